"""Training the default photo model on Flickr8k features (see tools/photo/train.py)."""
