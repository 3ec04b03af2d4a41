//! EC2 response XML: a small writer and the [`ToXml`] trait every output implements.
//!
//! Responses follow the EC2 API's query protocol: `<{Action}Response xmlns=…>`, then
//! `<requestId>`, then the fields in lowerCamelCase; lists are `<item>` children;
//! timestamps are `YYYY-MM-DDTHH:MM:SS.sssZ`; absent values are left out.

use time::OffsetDateTime;

/// Bytes that may start something element content cannot carry as it is: `&`, `<`, `>`,
/// the control characters XML 1.0 forbids, and 0xEF, the lead byte of U+FFFE and U+FFFF.
const NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = !matches!(byte, 0x09 | 0x0a | 0x0d);
        byte += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[0xef] = true;
    table
};

/// Appends `text` to `out` escaped for element content (`&`, `<`, `>`). Characters XML
/// 1.0 cannot carry (control characters other than tab, newline and carriage return,
/// U+FFFE and U+FFFF) are written as U+FFFD, so no value can make a response unparsable.
pub fn escape_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    // Most values need no escaping: check all bytes at once before going byte by byte.
    if !bytes
        .iter()
        .fold(false, |any, byte| any | NEEDS_ESCAPE[*byte as usize])
    {
        out.push_str(text);
        return;
    }
    let mut start = 0;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if !NEEDS_ESCAPE[byte as usize] {
            index += 1;
            continue;
        }
        let (replacement, width) = match byte {
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'&' => ("&amp;", 1),
            0xef => match bytes.get(index + 1..index + 3) {
                Some([0xbf, 0xbe | 0xbf]) => ("\u{fffd}", 3),
                _ => {
                    index += 1;
                    continue;
                }
            },
            _ => ("\u{fffd}", 1),
        };
        out.push_str(&text[start..index]);
        out.push_str(replacement);
        index += width;
        start = index;
    }
    out.push_str(&text[start..]);
}

/// Whether XML 1.0 can carry `text` as it is (after escaping `&`, `<` and `>`).
pub fn is_xml_text(text: &str) -> bool {
    text.chars().all(|c| {
        let forbidden_control =
            matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}');
        !forbidden_control && !matches!(c, '\u{fffe}' | '\u{ffff}')
    })
}

/// Appends the decimal digits of `value`, without allocating.
fn push_decimal(out: &mut String, value: u64) {
    let mut digits = [0u8; 20];
    let mut position = digits.len();
    let mut rest = value;
    loop {
        position -= 1;
        digits[position] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for digit in &digits[position..] {
        out.push(*digit as char);
    }
}

/// Appends `value` as exactly `width` decimal digits, zero-padded.
fn push_padded(out: &mut String, value: u32, width: u32) {
    let mut divisor = 10u32.pow(width - 1);
    while divisor > 0 {
        out.push((b'0' + ((value / divisor) % 10) as u8) as char);
        divisor /= 10;
    }
}

/// Writes EC2 XML into a string.
#[derive(Debug, Default)]
pub struct XmlWriter {
    out: String,
}

impl XmlWriter {
    /// A writer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        XmlWriter {
            out: String::with_capacity(capacity),
        }
    }

    /// The XML written so far.
    pub fn into_string(self) -> String {
        self.out
    }

    /// The XML written so far, borrowed.
    pub fn as_str(&self) -> &str {
        &self.out
    }

    /// Writes raw, already-escaped XML.
    pub fn raw(&mut self, xml: &str) {
        self.out.push_str(xml);
    }

    /// Opens `<name>`.
    pub fn open(&mut self, name: &str) {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
    }

    /// Closes `</name>`.
    pub fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// Writes escaped text.
    pub fn text(&mut self, text: &str) {
        escape_into(&mut self.out, text);
    }

    /// Writes `<name>value</name>`; an absent value (`None`) writes nothing.
    pub fn field<T: ToXml + ?Sized>(&mut self, name: &str, value: &T) {
        if value.is_absent() {
            return;
        }
        self.open(name);
        value.write_xml(self);
        self.close(name);
    }

    /// Writes `<name><item>…</item>…</name>`, also when the list is empty, as EC2 does
    /// for the sets it always returns.
    pub fn list<T: ToXml>(&mut self, name: &str, items: &[T]) {
        self.open(name);
        for item in items {
            self.open("item");
            item.write_xml(self);
            self.close("item");
        }
        self.close(name);
    }

    /// Like [`XmlWriter::list`], but writes nothing for an empty list.
    pub fn list_if_any<T: ToXml>(&mut self, name: &str, items: &[T]) {
        if !items.is_empty() {
            self.list(name, items);
        }
    }
}

/// A value that renders as the content of an EC2 XML element.
pub trait ToXml {
    /// Writes the element's content (not the element itself).
    fn write_xml(&self, writer: &mut XmlWriter);

    /// Whether the value is absent, so its element is left out.
    fn is_absent(&self) -> bool {
        false
    }
}

impl ToXml for str {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.text(self);
    }
}

impl ToXml for String {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.text(self);
    }
}

impl ToXml for bool {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.raw(if *self { "true" } else { "false" });
    }
}

macro_rules! unsigned_to_xml {
    ($($ty:ty),*) => {$(
        impl ToXml for $ty {
            fn write_xml(&self, writer: &mut XmlWriter) {
                push_decimal(&mut writer.out, *self as u64);
            }
        }
    )*};
}

macro_rules! signed_to_xml {
    ($($ty:ty),*) => {$(
        impl ToXml for $ty {
            fn write_xml(&self, writer: &mut XmlWriter) {
                if *self < 0 {
                    writer.out.push('-');
                }
                push_decimal(&mut writer.out, self.unsigned_abs() as u64);
            }
        }
    )*};
}

unsigned_to_xml!(u8, u16, u32, u64, usize);
signed_to_xml!(i32, i64);

impl ToXml for f64 {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.raw(&self.to_string());
    }
}

impl ToXml for OffsetDateTime {
    fn write_xml(&self, writer: &mut XmlWriter) {
        push_timestamp(&mut writer.out, *self);
    }
}

impl<T: ToXml> ToXml for Option<T> {
    fn write_xml(&self, writer: &mut XmlWriter) {
        if let Some(value) = self {
            value.write_xml(writer);
        }
    }

    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<T: ToXml + ?Sized> ToXml for &T {
    fn write_xml(&self, writer: &mut XmlWriter) {
        (**self).write_xml(writer);
    }

    fn is_absent(&self) -> bool {
        (**self).is_absent()
    }
}

impl<T: ToXml + ?Sized> ToXml for Box<T> {
    fn write_xml(&self, writer: &mut XmlWriter) {
        (**self).write_xml(writer);
    }

    fn is_absent(&self) -> bool {
        (**self).is_absent()
    }
}

/// A timestamp as EC2 writes it: `2026-12-03T17:04:05.123Z`, always UTC, milliseconds.
pub fn format_timestamp(at: OffsetDateTime) -> String {
    let mut out = String::with_capacity(24);
    push_timestamp(&mut out, at);
    out
}

fn push_timestamp(out: &mut String, at: OffsetDateTime) {
    let at = at.to_offset(time::UtcOffset::UTC);
    let year = at.year();
    if (0..=9999).contains(&year) {
        push_padded(out, year as u32, 4);
    } else {
        // Outside four digits the `time` crate's own rendering is as good as any.
        out.push_str(&year.to_string());
    }
    out.push('-');
    push_padded(out, u32::from(u8::from(at.month())), 2);
    out.push('-');
    push_padded(out, u32::from(at.day()), 2);
    out.push('T');
    push_padded(out, u32::from(at.hour()), 2);
    out.push(':');
    push_padded(out, u32::from(at.minute()), 2);
    out.push(':');
    push_padded(out, u32::from(at.second()), 2);
    out.push('.');
    push_padded(out, u32::from(at.millisecond()), 3);
    out.push('Z');
}

/// The namespace of EC2 responses for an API version: `http://ec2.amazonaws.com/doc/{version}/`.
pub fn namespace(version: &str) -> String {
    format!("http://ec2.amazonaws.com/doc/{version}/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    struct Item {
        id: String,
        zone: Option<String>,
    }

    impl ToXml for Item {
        fn write_xml(&self, writer: &mut XmlWriter) {
            writer.field("instanceId", &self.id);
            writer.field("availabilityZone", &self.zone);
        }
    }

    #[test]
    fn lists_are_items_and_absent_fields_are_left_out() {
        let mut writer = XmlWriter::default();
        let items = [
            Item {
                id: "i-1".into(),
                zone: Some("us-east-1a".into()),
            },
            Item {
                id: "i-<2>".into(),
                zone: None,
            },
        ];
        writer.list("instancesSet", &items);
        writer.list_if_any("tagSet", &Vec::<Item>::new());
        writer.field("nextToken", &None::<String>);
        assert_eq!(
            writer.into_string(),
            "<instancesSet><item><instanceId>i-1</instanceId><availabilityZone>us-east-1a\
             </availabilityZone></item><item><instanceId>i-&lt;2&gt;</instanceId></item>\
             </instancesSet>"
        );
    }

    #[test]
    fn timestamps_have_milliseconds_and_z() {
        let at = datetime!(2011-02-21 20:14:10.634 UTC);
        assert_eq!(format_timestamp(at), "2011-02-21T20:14:10.634Z");
    }

    #[test]
    fn control_characters_cannot_break_the_document() {
        let mut out = String::new();
        escape_into(&mut out, "a\u{1}b\tc'");
        assert_eq!(out, "a\u{fffd}b\tc'");
    }

    #[test]
    fn integers_render_without_formatting_machinery() {
        let mut writer = XmlWriter::default();
        for value in [0i64, 7, -7, 1234567890, i64::MIN] {
            value.write_xml(&mut writer);
            writer.raw(",");
        }
        u64::MAX.write_xml(&mut writer);
        assert_eq!(
            writer.into_string(),
            "0,7,-7,1234567890,-9223372036854775808,18446744073709551615"
        );
    }

    #[test]
    fn escaping_keeps_clean_text_and_fixes_the_rest() {
        let mut out = String::new();
        escape_into(&mut out, "plain text, é and 日本");
        escape_into(&mut out, "|a<b>&c\u{7f}");
        assert_eq!(out, "plain text, é and 日本|a&lt;b&gt;&amp;c\u{7f}");
    }

    #[test]
    fn noncharacters_are_replaced_and_other_three_byte_characters_kept() {
        let mut out = String::new();
        escape_into(&mut out, "a\u{ffff}b\u{fffe}c\u{ff21}d\u{f000}");
        assert_eq!(out, "a\u{fffd}b\u{fffd}c\u{ff21}d\u{f000}");
        assert!(!is_xml_text("x\u{ffff}"));
        assert!(!is_xml_text("x\u{1}"));
        assert!(is_xml_text("tab\tnew\nline \u{ff21}"));
    }

    #[test]
    fn scalars_render_as_aws_does() {
        let mut writer = XmlWriter::default();
        writer.field("code", &16i32);
        writer.field("enabled", &true);
        assert_eq!(
            writer.into_string(),
            "<code>16</code><enabled>true</enabled>"
        );
    }
}
