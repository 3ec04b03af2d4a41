//! Placeholder: replaced by the signature verifier.
