"""The learned tagger: features, embeddings, the calibrated model, fine-tuning and evaluation (no DB)."""
