//! The XML of WeChat's messages: a flat `<xml>` element whose children carry the
//! fields. Reading refuses what no WeChat message has and hostile documents rely on —
//! DOCTYPE (and so entity declarations: XXE, "billion laughs"), processing
//! instructions, references other than XML's five and character references, deep
//! nesting, too many elements — before any field is looked at.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesCData, BytesText, Event};
use quick_xml::{Reader, Writer};
use std::collections::BTreeMap;

/// Deeper than any message WeChat sends (its deepest, a menu event's picture list, has 4).
const MAX_DEPTH: usize = 6;
/// More elements than any message WeChat sends.
const MAX_ELEMENTS: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("a DOCTYPE is not accepted")]
    Doctype,
    #[error("processing instructions are not accepted")]
    ProcessingInstruction,
    #[error("the entity reference &{0}; is not accepted")]
    Entity(String),
    #[error("the document is nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("the document has more than {MAX_ELEMENTS} elements")]
    TooManyElements,
    #[error("the root element must be <xml>")]
    NotWeChat,
    #[error("the field <{0}> appears twice")]
    Duplicate(String),
    #[error("the document is not well-formed XML: {0}")]
    Malformed(String),
}

/// The fields of one message: the text of each child of `<xml>`, trimmed. Children of
/// deeper elements are checked but not kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields(BTreeMap<String, String>);

impl Fields {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }
}

/// Reads a message's fields.
pub fn parse(document: &str) -> Result<Fields, XmlError> {
    let mut reader = Reader::from_str(document);
    let mut fields = BTreeMap::new();
    let mut depth = 0usize;
    let mut elements = 0usize;
    let mut seen_root = false;
    // The child of the root being read, and its text so far.
    let mut field: Option<(String, String)> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| XmlError::Malformed(e.to_string()))?;
        match event {
            Event::DocType(_) => return Err(XmlError::Doctype),
            Event::PI(_) => return Err(XmlError::ProcessingInstruction),
            Event::Decl(_) | Event::Comment(_) => {}
            Event::Start(_) | Event::Empty(_) if depth == 0 && seen_root => {
                return Err(XmlError::Malformed("more than one root element".into()));
            }
            Event::Start(start) => {
                elements += 1;
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(XmlError::TooDeep);
                }
                if elements > MAX_ELEMENTS {
                    return Err(XmlError::TooManyElements);
                }
                let name = start.name().0.to_string();
                match depth {
                    1 if name != "xml" => return Err(XmlError::NotWeChat),
                    1 => seen_root = true,
                    2 => field = Some((name, String::new())),
                    _ => {}
                }
            }
            Event::Empty(start) => {
                elements += 1;
                if elements > MAX_ELEMENTS {
                    return Err(XmlError::TooManyElements);
                }
                let name = start.name().0.to_string();
                match depth {
                    0 if name == "xml" => seen_root = true,
                    0 => return Err(XmlError::NotWeChat),
                    1 => insert(&mut fields, name, String::new())?,
                    _ => {}
                }
            }
            Event::End(_) => {
                if depth == 2 {
                    if let Some((name, value)) = field.take() {
                        insert(&mut fields, name, value.trim().to_string())?;
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(text) => {
                let text = text.xml10_content();
                if depth == 0 && !text.trim().is_empty() {
                    return Err(XmlError::Malformed("text outside the root element".into()));
                }
                append(&mut field, depth, &text);
            }
            Event::CData(data) => {
                if depth == 0 {
                    return Err(XmlError::Malformed("text outside the root element".into()));
                }
                append(&mut field, depth, &data.xml10_content());
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => resolve_predefined_entity(&reference)
                        .ok_or_else(|| XmlError::Entity(reference.to_string()))?
                        .to_string(),
                    Err(e) => return Err(XmlError::Malformed(e.to_string())),
                };
                if depth == 0 {
                    return Err(XmlError::Malformed("text outside the root element".into()));
                }
                append(&mut field, depth, &resolved);
            }
            Event::Eof if depth > 0 => {
                return Err(XmlError::Malformed(
                    "the document ends inside an element".into(),
                ))
            }
            Event::Eof if !seen_root => return Err(XmlError::NotWeChat),
            Event::Eof => return Ok(Fields(fields)),
        }
    }
}

fn append(field: &mut Option<(String, String)>, depth: usize, text: &str) {
    if depth == 2 {
        if let Some((_, value)) = field {
            value.push_str(text);
        }
    }
}

fn insert(
    fields: &mut BTreeMap<String, String>,
    name: String,
    value: String,
) -> Result<(), XmlError> {
    if fields.contains_key(&name) {
        return Err(XmlError::Duplicate(name));
    }
    fields.insert(name, value);
    Ok(())
}

/// A field of a reply: text in CDATA, or a number as it is.
pub enum Value<'a> {
    Text(&'a str),
    Number(i64),
}

/// Writes `<xml>` with the given children, text in CDATA as WeChat's own replies are.
pub fn write(children: &[(&str, Value)]) -> String {
    let mut writer = Writer::new(Vec::new());
    writer
        .create_element("xml")
        .write_inner_content(|w| {
            for (name, value) in children {
                let element = w.create_element(*name);
                match value {
                    Value::Number(n) => {
                        element.write_text_content(BytesText::new(&n.to_string()))?;
                    }
                    Value::Text(text) => {
                        element.write_inner_content(|w| {
                            // A "]]>" inside the text is split over two sections.
                            for section in BytesCData::escaped(text) {
                                w.write_event(Event::CData(section))?;
                            }
                            Ok(())
                        })?;
                    }
                }
            }
            Ok(())
        })
        .expect("writing to memory cannot fail");
    String::from_utf8(writer.into_inner()).expect("the writer writes the UTF-8 it was given")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_in_cdata_text_and_references() {
        let fields = parse(
            "<?xml version=\"1.0\"?><xml><ToUserName><![CDATA[gh_1]]></ToUserName>\n\
             <CreateTime>1409735668</CreateTime><MsgType>  <![CDATA[text]]></MsgType>\
             <Content>a &lt;b&gt; &amp; &#20320;</Content><Empty/>\
             <ScanCodeInfo><ScanType>qrcode</ScanType></ScanCodeInfo></xml>",
        )
        .unwrap();
        assert_eq!(fields.get("ToUserName"), Some("gh_1"));
        assert_eq!(fields.get("CreateTime"), Some("1409735668"));
        assert_eq!(fields.get("MsgType"), Some("text"));
        assert_eq!(fields.get("Content"), Some("a <b> & 你"));
        assert_eq!(fields.get("Empty"), Some(""));
        assert!(fields.contains("ScanCodeInfo"));
        assert_eq!(fields.get("ScanType"), None, "deeper fields are not kept");
    }

    #[test]
    fn refuses_hostile_and_broken_documents() {
        let laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">\
                      <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;\">]><xml><Content>&lol2;</Content></xml>";
        let xxe = "<!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\
                   <xml><Content>&xxe;</Content></xml>";
        let deep = format!("<xml>{}{}</xml>", "<a>".repeat(10), "</a>".repeat(10));
        let wide: String = (0..300).map(|i| format!("<a{i}/>")).collect();
        let wide = format!("<xml>{wide}</xml>");
        let cases: Vec<(&str, XmlError)> = vec![
            (laughs, XmlError::Doctype),
            (xxe, XmlError::Doctype),
            ("<xml><C>&lol;</C></xml>", XmlError::Entity("lol".into())),
            ("<?php echo 1 ?><xml/>", XmlError::ProcessingInstruction),
            (&deep, XmlError::TooDeep),
            (&wide, XmlError::TooManyElements),
            ("<html><C>x</C></html>", XmlError::NotWeChat),
            ("", XmlError::NotWeChat),
            (
                "<xml><C>1</C><C>2</C></xml>",
                XmlError::Duplicate("C".into()),
            ),
        ];
        for (document, expected) in cases {
            assert_eq!(parse(document), Err(expected), "{document}");
        }
        for broken in [
            "<xml><C>x</D></xml>",
            "<xml><C>x</C>",
            "<xml/><xml/>",
            "junk<xml/>",
            "<xml>&#0;</xml>",
        ] {
            assert!(
                matches!(parse(broken), Err(XmlError::Malformed(_))),
                "{broken}: {:?}",
                parse(broken)
            );
        }
    }

    #[test]
    fn written_replies_read_back_even_with_cdata_ends_inside() {
        let xml = write(&[
            ("ToUserName", Value::Text("o_user")),
            ("CreateTime", Value::Number(1700000000)),
            ("Content", Value::Text("一 ]]> 二 <b>&amp;")),
        ]);
        assert!(
            xml.starts_with("<xml><ToUserName><![CDATA[o_user]]></ToUserName>"),
            "{xml}"
        );
        let fields = parse(&xml).unwrap();
        assert_eq!(fields.get("Content"), Some("一 ]]> 二 <b>&amp;"));
        assert_eq!(fields.get("CreateTime"), Some("1700000000"));
    }
}
