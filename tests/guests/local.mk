# tests/guests/
