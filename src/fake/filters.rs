//! Describe filters: `*`/`?` wildcards, OR within a filter, AND across filters.

use crate::ec2::args::Filter;
use crate::ec2::error::{Ec2Error, ErrorCode};

/// Whether `text` matches `pattern`, where `*` matches any run of characters (also
/// none), `?` exactly one, and `\` makes the next character literal, as EC2 filter
/// values do.
pub(crate) fn wildcard_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<(char, bool)> = {
        let mut tokens = Vec::with_capacity(pattern.len());
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(next) => tokens.push((next, true)),
                    None => tokens.push(('\\', true)),
                },
                _ => tokens.push((c, false)),
            }
        }
        tokens
    };
    let text: Vec<char> = text.chars().collect();

    // Greedy matching with one backtrack point: the last `*` seen.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(&('*', false)) => {
                star = Some((p, t));
                p += 1;
            }
            Some(&('?', false)) => {
                p += 1;
                t += 1;
            }
            Some(&(c, _)) if c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&token| token == ('*', false))
}

/// The "unknown filter" error: `The filter 'x' is invalid`.
pub(crate) fn invalid_filter(name: &str) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::InvalidParameterValue,
        format!("The filter '{name}' is invalid"),
    )
}

/// Checks every filter name against `known` (plus `tag:KEY` when `tags` is set).
pub(crate) fn check_names(filters: &[Filter], known: &[&str], tags: bool) -> Result<(), Ec2Error> {
    for filter in filters {
        let is_tag = tags && filter.name.starts_with("tag:") && filter.name.len() > 4;
        if !is_tag && !known.contains(&filter.name.as_str()) {
            return Err(invalid_filter(&filter.name));
        }
    }
    Ok(())
}

/// Whether a resource passes every filter. `values_of(name)` gives the resource's values
/// for a filter name; a filter passes when one of its values matches one of them.
pub(crate) fn matches_all<F, V>(filters: &[Filter], mut values_of: F) -> bool
where
    F: FnMut(&str) -> Vec<V>,
    V: AsRef<str>,
{
    filters.iter().all(|filter| {
        let values = values_of(&filter.name);
        filter.values.iter().any(|pattern| {
            values
                .iter()
                .any(|value| wildcard_match(pattern, value.as_ref()))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_matches_any_run_and_question_mark_one_character() {
        assert!(wildcard_match("t2.*", "t2.micro"));
        assert!(wildcard_match("t2.*", "t2."));
        assert!(!wildcard_match("t2.*", "t3.micro"));
        assert!(wildcard_match("t3.micr?", "t3.micro"));
        assert!(!wildcard_match("t3.micr?", "t3.micr"));
        assert!(wildcard_match("*web*", "my-web-1"));
        assert!(wildcard_match("a*b*c", "aXXbYYc"));
        assert!(!wildcard_match("a*b*c", "aXXbYY"));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("", ""));
        assert!(!wildcard_match("", "x"));
    }

    #[test]
    fn backslash_makes_wildcards_literal() {
        assert!(wildcard_match("a\\*", "a*"));
        assert!(!wildcard_match("a\\*", "ab"));
        assert!(wildcard_match("what\\?", "what?"));
    }

    #[test]
    fn filters_or_their_values_and_and_each_other() {
        let filters = vec![
            Filter {
                name: "a".into(),
                values: vec!["x".into(), "y".into()],
            },
            Filter {
                name: "b".into(),
                values: vec!["z*".into()],
            },
        ];
        let of = |a: &'static str, b: &'static str| {
            move |name: &str| match name {
                "a" => vec![a.to_owned()],
                _ => vec![b.to_owned()],
            }
        };
        assert!(matches_all(&filters, of("y", "zed")));
        assert!(!matches_all(&filters, of("w", "zed")));
        assert!(!matches_all(&filters, of("x", "ed")));
    }

    #[test]
    fn unknown_filter_names_are_invalid() {
        let filters = vec![Filter {
            name: "colour".into(),
            values: vec![],
        }];
        let error = check_names(&filters, &["instance-id"], true).unwrap_err();
        assert_eq!(error.message(), "The filter 'colour' is invalid");
        let tag = vec![Filter {
            name: "tag:Name".into(),
            values: vec![],
        }];
        assert!(check_names(&tag, &[], true).is_ok());
        assert!(check_names(&tag, &[], false).is_err());
    }
}
