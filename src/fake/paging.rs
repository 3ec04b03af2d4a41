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

/// The position a token names; a token this fake did not make is
/// `InvalidParameterValue`.
pub(crate) fn decode_token(token: &str) -> Result<String, Ec2Error> {
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(TOKEN_PREFIX).map(str::to_owned))
        .ok_or_else(|| {
            Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!("The token '{token}' is invalid."),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_foreign_ones_are_refused() {
        assert_eq!(decode_token(&encode_token("17")).unwrap(), "17");
        assert_eq!(
            decode_token("garbage").unwrap_err().message(),
            "The token 'garbage' is invalid."
        );
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
