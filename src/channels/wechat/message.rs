//! What WeChat sent, read from a message's fields.

use super::xml::Fields;
use crate::channels::ChannelUser;

/// The channel name under which WeChat users are kept.
pub const CHANNEL: &str = "wechat";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// The Official Account (its original id, gh_…): the reply comes from it.
    pub account: String,
    /// The resident's OpenID: the reply goes to it.
    pub open_id: String,
    pub create_time: i64,
    /// Set on messages (not on events): the same id on every retry.
    pub msg_id: Option<String>,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Text(String),
    /// A voice message with WeChat's recognition of it, when the account turned it on.
    Voice {
        recognition: Option<String>,
    },
    Event(Event),
    /// Pictures, videos, locations, links, files…
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Subscribe,
    Unsubscribe,
    /// A followed resident scanned the account's QR code again.
    Scan,
    /// A menu button of type click, with its key.
    Click(String),
    /// A menu link was opened, a location reported, a template message delivered, …
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    #[error("the message has no <{0}>")]
    Missing(&'static str),
    #[error("<CreateTime> is not a number")]
    BadTime,
}

impl Incoming {
    pub fn from_fields(fields: &Fields) -> Result<Incoming, MessageError> {
        let required = |name: &'static str| {
            fields
                .get(name)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .ok_or(MessageError::Missing(name))
        };
        let msg_type = required("MsgType")?;
        let kind = match msg_type.as_str() {
            "text" => Kind::Text(fields.get("Content").unwrap_or_default().to_string()),
            "voice" => Kind::Voice {
                recognition: fields
                    .get("Recognition")
                    .filter(|r| !r.trim().is_empty())
                    .map(str::to_string),
            },
            "event" => Kind::Event(read_event(&required("Event")?, fields)),
            other => Kind::Other(other.to_string()),
        };
        Ok(Incoming {
            account: required("ToUserName")?,
            open_id: required("FromUserName")?,
            create_time: required("CreateTime")?
                .parse()
                .map_err(|_| MessageError::BadTime)?,
            msg_id: fields
                .get("MsgId")
                .filter(|id| !id.is_empty())
                .map(str::to_string),
            kind,
        })
    }

    pub fn user(&self) -> ChannelUser {
        ChannelUser::new(CHANNEL, &self.open_id)
    }

    /// What makes a delivery the same as an earlier one: the MsgId of a message; the
    /// sender, time and event for events, which have none.
    pub fn delivery_key(&self) -> String {
        match &self.msg_id {
            Some(id) => format!("msg/{id}"),
            None => {
                let event = match &self.kind {
                    Kind::Event(event) => event.name(),
                    _ => "message",
                };
                format!("event/{}/{}/{event}", self.user().key(), self.create_time)
            }
        }
    }
}

fn read_event(name: &str, fields: &Fields) -> Event {
    // WeChat writes some events in lower case (subscribe) and some in upper (CLICK).
    match name.to_ascii_lowercase().as_str() {
        "subscribe" => Event::Subscribe,
        "unsubscribe" => Event::Unsubscribe,
        "scan" => Event::Scan,
        "click" => Event::Click(fields.get("EventKey").unwrap_or_default().to_string()),
        _ => Event::Other(name.to_string()),
    }
}

impl Event {
    fn name(&self) -> &str {
        match self {
            Event::Subscribe => "subscribe",
            Event::Unsubscribe => "unsubscribe",
            Event::Scan => "scan",
            Event::Click(_) => "click",
            Event::Other(name) => name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channels::wechat::xml::parse;

    fn read(body: &str) -> Result<Incoming, MessageError> {
        Incoming::from_fields(
            &parse(&format!(
                "<xml><ToUserName>gh_1</ToUserName><FromUserName>o_1</FromUserName>\
             <CreateTime>1700000000</CreateTime>{body}</xml>"
            ))
            .unwrap(),
        )
    }

    #[test]
    fn reads_each_kind() {
        let text = read("<MsgType>text</MsgType><Content>你好</Content><MsgId>42</MsgId>").unwrap();
        assert_eq!(text.kind, Kind::Text("你好".into()));
        assert_eq!(text.delivery_key(), "msg/42");
        let voice = read("<MsgType>voice</MsgType><Recognition>俺要问事</Recognition>").unwrap();
        assert_eq!(
            voice.kind,
            Kind::Voice {
                recognition: Some("俺要问事".into())
            }
        );
        let silent = read("<MsgType>voice</MsgType><Recognition></Recognition>").unwrap();
        assert_eq!(silent.kind, Kind::Voice { recognition: None });
        let click =
            read("<MsgType>event</MsgType><Event>CLICK</Event><EventKey>K</EventKey>").unwrap();
        assert_eq!(click.kind, Kind::Event(Event::Click("K".into())));
        assert!(click.delivery_key().starts_with("event/"));
        assert!(click.delivery_key().ends_with("/1700000000/click"));
        assert!(!click.delivery_key().contains("o_1"), "no OpenID in keys");
        let image = read("<MsgType>image</MsgType><MsgId>7</MsgId>").unwrap();
        assert_eq!(image.kind, Kind::Other("image".into()));
    }

    #[test]
    fn missing_fields_are_named() {
        assert_eq!(
            read("<Content>x</Content>"),
            Err(MessageError::Missing("MsgType"))
        );
        assert_eq!(
            read("<MsgType>event</MsgType>"),
            Err(MessageError::Missing("Event"))
        );
        let no_time = Incoming::from_fields(
            &parse(
                "<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName>\
                    <CreateTime>soon</CreateTime><MsgType>text</MsgType></xml>",
            )
            .unwrap(),
        );
        assert_eq!(no_time, Err(MessageError::BadTime));
    }
}
