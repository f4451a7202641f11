"""Seq2seq engines behind one interface (`base.Seq2SeqBackend`), the cross-request batcher, and the pool that
loads each model once per process (`pool.ModelPool`)."""
