"""The documents a clinic can build, and what each template is given to draw them."""
