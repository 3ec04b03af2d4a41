//! A fully buffered request or response body.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};

/// A buffered body: API payloads are small, so every body is one `Bytes`.
///
/// Adapters read the whole request body (up to their size cap) before the chain runs,
/// which lets signature verification hash the exact bytes before anything parses them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Body(Bytes);

impl Body {
    /// An empty body.
    pub const fn empty() -> Self {
        Body(Bytes::new())
    }

    /// The bytes of the body.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The body as `Bytes` (a cheap clone).
    pub fn to_bytes(&self) -> Bytes {
        self.0.clone()
    }

    /// Takes the body's bytes.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }

    /// Number of bytes in the body.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the body has no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Body {
    // Bodies may carry secrets (user data, key material): show only their size.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Body({} bytes)", self.0.len())
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Body(bytes)
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Body(Bytes::from(bytes))
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Body(Bytes::from(text))
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Self {
        Body(Bytes::from_static(text.as_bytes()))
    }
}

impl From<&'static [u8]> for Body {
    fn from(bytes: &'static [u8]) -> Self {
        Body(Bytes::from_static(bytes))
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.0.is_empty() {
            return Poll::Ready(None);
        }
        let data = std::mem::take(&mut self.0);
        Poll::Ready(Some(Ok(Frame::data(data))))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.0.len() as u64)
    }
}

/// Request extension set by an adapter whose body cap the request exceeded.
///
/// The adapter stops reading at the cap and hands the chain an empty body with this marker,
/// so the protocol's fault wrapper answers in its own format with HTTP 413.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyLimitExceeded {
    /// The cap, in bytes, that the body went past.
    pub limit: usize,
}

/// Request extension set by an adapter that could not read the whole body. The chain
/// gets an empty body, and the protocol's fault wrapper answers in its own format: HTTP
/// 408 when the client was too slow, 400 when the body was malformed or cut off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyReadFailed {
    /// The body did not arrive within the adapter's read timeout.
    TimedOut,
    /// The body could not be decoded (a malformed chunked encoding, say) or the
    /// connection failed before it ended.
    Malformed,
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body::Body as _;

    #[test]
    fn body_yields_its_bytes_once_then_ends() {
        let mut body = Body::from("Action=DescribeRegions");
        assert_eq!(body.size_hint().exact(), Some(22));
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let frame = Pin::new(&mut body).poll_frame(&mut cx);
        let data = match frame {
            Poll::Ready(Some(Ok(frame))) => frame.into_data().unwrap(),
            other => panic!("expected a data frame, got {other:?}"),
        };
        assert_eq!(&data[..], b"Action=DescribeRegions");
        assert!(body.is_end_stream());
        assert!(matches!(
            Pin::new(&mut body).poll_frame(&mut cx),
            Poll::Ready(None)
        ));
    }

    #[test]
    fn debug_shows_only_the_size() {
        assert_eq!(format!("{:?}", Body::from("secret")), "Body(6 bytes)");
    }
}
