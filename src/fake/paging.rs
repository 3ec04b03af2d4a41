//! `MaxResults` and `NextToken`: page sizes and opaque tokens.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::ec2::error::{Ec2Error, ErrorCode};

const TOKEN_PREFIX: &str = "cumulo:";

/// The page size `MaxResults` asks for: 5 to 1000, or everything when absent.
pub(crate) fn page_size(max_results: Option<i64>) -> Result<usize, Ec2Error> {
    match max_results {
        None => Ok(usize::MAX),
        Some(size @ 5..=1000) => Ok(size as usize),
        Some(size) => Err(Ec2Error::invalid_value(
            "maxResults",
            &size.to_string(),
            "Expecting a value between 5 and 1000.",
        )),
    }
}

/// The error for ids together with `MaxResults`.
pub(crate) fn ids_with_max_results(set: &str) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::InvalidParameterCombination,
        format!("The parameter {set} cannot be used with the parameter maxResults"),
    )
}

/// The token naming `position`, the last item of a page.
pub(crate) fn encode_token(position: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{TOKEN_PREFIX}{position}"))
}

/// The error for a `NextToken` this fake did not hand out. The token itself is not
/// repeated: it is the caller's to keep.
pub(crate) fn invalid_token() -> Ec2Error {
    Ec2Error::new(
        ErrorCode::InvalidPaginationToken,
        "The specified pagination token is not valid or is expired.",
    )
}

/// The position a token names; a token this fake did not make is
/// `InvalidPaginationToken`.
pub(crate) fn decode_token(token: &str) -> Result<String, Ec2Error> {
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(TOKEN_PREFIX).map(str::to_owned))
        .ok_or_else(invalid_token)
}

/// The sequence number a token names, for lists kept in sequence order.
pub(crate) fn decode_seq(token: &str) -> Result<u64, Ec2Error> {
    decode_token(token)?
        .parse::<u64>()
        .map_err(|_| invalid_token())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_foreign_ones_are_invalid_pagination_tokens() {
        assert_eq!(decode_token(&encode_token("17")).unwrap(), "17");
        assert_eq!(decode_seq(&encode_token("17")).unwrap(), 17);
        let refused = [
            decode_token("garbage").unwrap_err(),
            decode_seq("garbage").unwrap_err(),
            decode_seq(&encode_token("not-a-number")).unwrap_err(),
        ];
        for error in refused {
            assert_eq!(error.code(), ErrorCode::InvalidPaginationToken);
            assert_eq!(
                error.message(),
                "The specified pagination token is not valid or is expired."
            );
        }
    }

    #[test]
    fn page_sizes_run_from_five_to_a_thousand() {
        assert_eq!(page_size(None).unwrap(), usize::MAX);
        assert_eq!(page_size(Some(5)).unwrap(), 5);
        assert_eq!(page_size(Some(1000)).unwrap(), 1000);
        assert_eq!(
            page_size(Some(4)).unwrap_err().message(),
            "Value (4) for parameter maxResults is invalid. Expecting a value between 5 and 1000."
        );
        assert!(page_size(Some(1001)).is_err());
    }
}
