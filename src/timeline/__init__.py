"""timeline: filter, read, analyse and export a structured, sourced event timeline."""
