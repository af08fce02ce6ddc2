"""The web layer and the domain operations of the accountability portal."""
