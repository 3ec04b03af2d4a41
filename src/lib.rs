//! cumulo
