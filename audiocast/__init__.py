"""audiocast: turn written articles into chaptered podcast episodes and a feed."""

__version__ = "0.1.0"
