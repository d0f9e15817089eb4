//! AppFlow's large-event pointer: when a Salesforce event is too large for EventBridge, AppFlow
//! writes it to the large-event bucket and sends only a URL of the object. AppFlow does not
//! document the field name, so any top-level text field of a detail without business fields
//! is examined, and both `s3://bucket/key` and S3 `https://` URLs (virtual-hosted or path
//! style, presigned or not) are accepted.

use percent_encoding::percent_decode_str;

use super::event::Detail;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    pub key: String,
}

/// The pointer a detail carries, if it is a pointer at all.
pub fn find(detail: &Detail) -> Option<S3Location> {
    if detail.has_business_fields() {
        return None;
    }
    detail.other_text().find_map(parse_url)
}

/// Parses `s3://bucket/key` or an S3 `https://` URL into bucket and (decoded) key.
pub fn parse_url(url: &str) -> Option<S3Location> {
    let url = url.trim();
    if let Some(rest) = strip_prefix_ci(url, "s3://") {
        let (bucket, key) = rest.split_once('/')?;
        return location(bucket, key);
    }
    let rest = strip_prefix_ci(url, "https://")?;
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (host, path) = rest.split_once('/')?;
    let host = host
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let labels: Vec<&str> = host
        .strip_suffix(".amazonaws.com")
        .or_else(|| host.strip_suffix(".amazonaws.com.cn"))?
        .split('.')
        .collect();
    let is_s3 = |l: &str| l == "s3" || l.starts_with("s3-");
    let first = labels.iter().position(|l| is_s3(l))?;
    if first == 0 {
        // Path style: https://s3.<region>.amazonaws.com/<bucket>/<key>
        let (bucket, key) = path.split_once('/')?;
        location(bucket, &percent_decode(key)?)
    } else {
        // Virtual-hosted: https://<bucket>.s3.<region>.amazonaws.com/<key>
        location(&labels[..first].join("."), &percent_decode(path)?)
    }
}

fn location(bucket: &str, key: &str) -> Option<S3Location> {
    (!bucket.is_empty() && !key.is_empty()).then(|| S3Location {
        bucket: bucket.to_string(),
        key: key.to_string(),
    })
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Decodes `%XX` escapes (URL paths encode the object key; `+` in a path is a plus, not a
/// space); `None` for a malformed escape or a result that is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    // `percent_decode_str` passes a malformed escape through unchanged; the key would then
    // name some other object, so the URL is refused instead.
    let bytes = s.as_bytes();
    let malformed = bytes.iter().enumerate().any(|(i, &b)| {
        b == b'%'
            && !bytes
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if malformed {
        return None;
    }
    percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|key| key.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(bucket: &str, key: &str) -> Option<S3Location> {
        Some(S3Location {
            bucket: bucket.into(),
            key: key.into(),
        })
    }

    #[test]
    fn accepts_every_s3_url_shape() {
        assert_eq!(
            parse_url("s3://big-events/a/b.json"),
            loc("big-events", "a/b.json")
        );
        assert_eq!(
            parse_url(
                "https://big-events.s3.eu-west-1.amazonaws.com/a/b%20c.json?X-Amz-Signature=1"
            ),
            loc("big-events", "a/b c.json")
        );
        assert_eq!(
            parse_url("https://big-events.s3.amazonaws.com/k"),
            loc("big-events", "k")
        );
        assert_eq!(
            parse_url("https://s3.eu-west-1.amazonaws.com/big-events/a/b.json"),
            loc("big-events", "a/b.json")
        );
        assert_eq!(
            parse_url("https://s3-eu-west-1.amazonaws.com/big-events/k"),
            loc("big-events", "k")
        );
    }

    #[test]
    fn rejects_what_is_not_an_s3_object() {
        for url in [
            "https://example.com/big-events/k",
            "s3://bucket-only",
            "s3://bucket/",
            "http://big-events.s3.amazonaws.com/k",
            "https://big-events.s3.amazonaws.com/bad%zz",
            "https://big-events.s3.amazonaws.com/bad%4",
            // `u8::from_str_radix` took "+1" as hex: the hand-written decoder read this as 0x01.
            "https://big-events.s3.amazonaws.com/bad%+1",
            // Not UTF-8.
            "https://big-events.s3.amazonaws.com/bad%FF",
            "emea-uk",
        ] {
            assert_eq!(parse_url(url), None, "{url}");
        }
    }

    #[test]
    fn a_key_is_decoded_once_and_a_plus_stays_a_plus() {
        assert_eq!(
            parse_url("https://big-events.s3.amazonaws.com/a+b%2Bc%20%E2%82%AC%2541"),
            loc("big-events", "a+b+c \u{20ac}%41")
        );
    }

    #[test]
    fn only_details_without_business_fields_are_pointers() {
        let pointer: Detail = r#"{"s3Url":"s3://b/k"}"#.parse().unwrap();
        assert_eq!(find(&pointer), loc("b", "k"));
        let request: Detail = r#"{"Record_Id__c":"x","Note":"s3://b/k"}"#.parse().unwrap();
        assert_eq!(find(&request), None);
    }
}
