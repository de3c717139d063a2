"""prompt-foo: a context compiler with visual canary seals."""

__version__ = "0.1.0"
