"""What a model says: responders, JSON synthesis, tokens, embeddings, images, ids, native body codecs."""
