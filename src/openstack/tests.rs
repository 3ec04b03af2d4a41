//! The Compute API chain, driven end to end with HTTP requests.
