//! Percent-encoding and path normalization shared by both signature versions.
//!
//! Encoding follows RFC 3986 section 2 as AWS applies it: the unreserved characters
//! `A-Z a-z 0-9 - . _ ~` stay as they are and every other byte becomes `%XY` with
//! uppercase hex digits. Decoding is byte-exact: a request whose bytes differ never
//! canonicalizes to the same text, even where those bytes are not valid UTF-8.

use std::borrow::Cow;

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Whether `byte` is one of RFC 3986's unreserved characters.
pub fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes every byte of `bytes` that is not unreserved.
pub fn percent_encode(bytes: &[u8]) -> String {
    encode_keeping(bytes, |_| false)
}

/// Percent-encodes a path, keeping its `/` separators: each segment is encoded on its own.
pub fn percent_encode_path(path: &str) -> String {
    encode_keeping(path.as_bytes(), |byte| byte == b'/')
}

fn encode_keeping(bytes: &[u8], keep: impl Fn(u8) -> bool) -> String {
    let mut encoded = String::with_capacity(bytes.len());
    for &byte in bytes {
        if is_unreserved(byte) || keep(byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(char::from(UPPER_HEX[usize::from(byte >> 4)]));
            encoded.push(char::from(UPPER_HEX[usize::from(byte & 0x0f)]));
        }
    }
    encoded
}

/// Decodes one `application/x-www-form-urlencoded` component of a query string: `%XY`
/// becomes its byte and `+` a space.
///
/// A `%` not followed by two hex digits stays as it is, as in `form_urlencoded`.
pub fn decode_query_component(component: &str) -> Vec<u8> {
    let bytes = component.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => decoded.push(b' '),
            b'%' => {
                let high = bytes.get(index + 1).and_then(|&digit| hex_value(digit));
                let low = bytes.get(index + 2).and_then(|&digit| hex_value(digit));
                if let (Some(high), Some(low)) = (high, low) {
                    decoded.push(high << 4 | low);
                    index += 3;
                    continue;
                }
                decoded.push(b'%');
            }
            byte => decoded.push(byte),
        }
        index += 1;
    }
    decoded
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// Splits a raw query string into its decoded `(name, value)` pairs, in order.
///
/// Empty pieces (`a=1&&b=2`, a trailing `&`) are skipped and a piece without `=` has an
/// empty value.
pub fn query_pairs(query: &str) -> impl Iterator<Item = (Vec<u8>, Vec<u8>)> + '_ {
    query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
            (decode_query_component(name), decode_query_component(value))
        })
}

/// Normalizes an absolute path the way SigV4 does for every service but S3.
///
/// Dot segments are removed as in RFC 3986 section 5.2.4, empty segments (`//`) are
/// dropped, and the result keeps a trailing `/` where the path ended in one (or in `/.` or
/// `/..`). An empty path is `/`.
pub fn normalize_path(path: &str) -> Cow<'_, str> {
    if path.is_empty() {
        return Cow::Borrowed("/");
    }
    if path.starts_with('/') && !path.contains("//") && !path.contains('.') {
        return Cow::Borrowed(path);
    }

    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            segment => segments.push(segment),
        }
    }

    let mut normalized = String::with_capacity(path.len() + 1);
    for segment in &segments {
        normalized.push('/');
        normalized.push_str(segment);
    }
    let ends_in_directory = ["/", "/.", "/.."].iter().any(|end| path.ends_with(end));
    if segments.is_empty() || ends_in_directory {
        normalized.push('/');
    }
    Cow::Owned(normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_characters_stay_and_others_become_uppercase_escapes() {
        assert_eq!(percent_encode(b"AZaz09-._~"), "AZaz09-._~");
        assert_eq!(percent_encode(b"a b/c+=&%"), "a%20b%2Fc%2B%3D%26%25");
        assert_eq!(percent_encode("ሴ".as_bytes()), "%E1%88%B4");
        assert_eq!(percent_encode(&[0x00, 0xff]), "%00%FF");
    }

    #[test]
    fn path_encoding_keeps_separators_and_reencodes_escapes() {
        assert_eq!(percent_encode_path("/a b/%3D/@"), "/a%20b/%253D/%40");
    }

    #[test]
    fn query_components_decode_escapes_and_plus() {
        assert_eq!(decode_query_component("a%20b+c%2B"), b"a b c+");
        assert_eq!(decode_query_component("%e1%88%b4"), "ሴ".as_bytes());
        assert_eq!(decode_query_component("%FF"), [0xff]);
        assert_eq!(decode_query_component("100%"), b"100%");
        assert_eq!(decode_query_component("%4"), b"%4");
        assert_eq!(decode_query_component("%zz"), b"%zz");
    }

    #[test]
    fn query_pairs_skip_empty_pieces_and_allow_missing_values() {
        let pairs: Vec<_> = query_pairs("a=1&&b&=c&d==e&").collect();
        let expected: Vec<(Vec<u8>, Vec<u8>)> = vec![
            (b"a".to_vec(), b"1".to_vec()),
            (b"b".to_vec(), b"".to_vec()),
            (b"".to_vec(), b"c".to_vec()),
            (b"d".to_vec(), b"=e".to_vec()),
        ];
        assert_eq!(pairs, expected);
    }

    #[test]
    fn paths_normalize_like_rfc_3986_with_empty_segments_dropped() {
        let cases = [
            ("", "/"),
            ("/", "/"),
            ("//", "/"),
            ("/./", "/"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/./example", "/example"),
            ("//example//", "/example/"),
            ("/a/b/..", "/a/"),
            ("/a/b/.", "/a/b/"),
            ("/../a", "/a"),
            ("/a..b/.c", "/a..b/.c"),
            ("a/b", "/a/b"),
            ("/plain/path", "/plain/path"),
        ];
        for (path, expected) in cases {
            assert_eq!(normalize_path(path), expected, "normalizing {path:?}");
        }
    }
}
