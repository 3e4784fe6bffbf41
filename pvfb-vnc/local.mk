# pvfb-vnc/: one VNC server per guest framebuffer (issue: pvfb-vnc). Nothing built yet.
