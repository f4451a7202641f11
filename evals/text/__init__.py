"""Text-layer measurements behind `make eval-text`: segmentation, detection, boilerplate."""
