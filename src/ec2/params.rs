//! The parameters of an EC2 query request: the query string, then a form body.

use std::sync::Arc;

use crate::core::Request;

/// The decoded `(name, value)` pairs of a request, in the order received: the query
/// string's first, then those of an `application/x-www-form-urlencoded` body.
///
/// Parsed once per request and cached in its extensions, since authentication, lockout
/// and argument parsing all read them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Params(pub Vec<(String, String)>);

impl std::fmt::Debug for Params {
    // Values may be secrets or signatures: show the names only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, _)| name))
            .finish()
    }
}

impl Params {
    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Parses the request's parameters, or returns the ones already parsed.
    pub fn of(request: &mut Request) -> Arc<Params> {
        if let Some(params) = request.extensions().get::<Arc<Params>>() {
            return params.clone();
        }
        let params = Arc::new(Params::parse(request));
        request.extensions_mut().insert(params.clone());
        params
    }

    fn parse(request: &Request) -> Params {
        let mut pairs: Vec<(String, String)> = request
            .uri()
            .query()
            .map(|query| {
                form_urlencoded::parse(query.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        if is_form(request) {
            pairs.extend(form_urlencoded::parse(request.body().as_bytes()).into_owned());
        }
        Params(pairs)
    }
}

fn is_form(request: &Request) -> bool {
    request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            let media_type = value.split(';').next().unwrap_or("").trim();
            media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Body;

    #[test]
    fn query_then_form_body() {
        let mut request = http::Request::builder()
            .method("POST")
            .uri("/?Action=DescribeInstances")
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body(Body::from(
                "Version=2016-11-15&Filter.1.Name=tag%3Aenv&Filter.1.Value.1=a+b",
            ))
            .unwrap();
        let params = Params::of(&mut request);
        assert_eq!(
            params.0,
            [
                ("Action".to_owned(), "DescribeInstances".to_owned()),
                ("Version".to_owned(), "2016-11-15".to_owned()),
                ("Filter.1.Name".to_owned(), "tag:env".to_owned()),
                ("Filter.1.Value.1".to_owned(), "a b".to_owned()),
            ]
        );
        assert!(Arc::ptr_eq(&params, &Params::of(&mut request)));
    }

    #[test]
    fn other_bodies_are_not_parameters() {
        let mut request = http::Request::builder()
            .method("POST")
            .uri("/")
            .header("content-type", "application/json")
            .body(Body::from("Action=RunInstances"))
            .unwrap();
        assert_eq!(Params::of(&mut request).get("Action"), None);
    }
}
