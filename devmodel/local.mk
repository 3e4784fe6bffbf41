# devmodel/: per-HVM-guest device model (issue: HVM domains). Nothing built yet.
