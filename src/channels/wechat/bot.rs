//! What the service says to each kind of WeChat message.

use super::dedupe::Said;
use super::message::{Event, Incoming, Kind};
use super::reply::{chat_text, entry_text};
use crate::api::EntryCard;
use crate::service::{InputError, Service, ServiceError};

pub const WELCOME: &str = "您好，这里是“明白”法律服务。\n\
    家里、地里、打工、借钱、被骗……遇到难事，用平常话打字或发语音告诉我：\n\
    · 我会讲清楚法律怎么说、该找谁、怎么办；\n\
    · 需要有人出面的，我会问清您在哪个村，转给网格员、调解员或司法所，并给您案件编号；\n\
    · 有危险请先打110，有人受伤打120。\n\
    也可以点下面的菜单看常见问题。";

pub const PLEASE_TYPE: &str =
    "这条语音没能听清。请打字告诉我遇到了什么事，或者换个安静的地方再说一遍。";

pub const ONLY_TEXT: &str =
    "我现在只看得懂文字和语音。请用文字或语音把事情说一说，我来帮您想办法。";

pub const UNKNOWN_MENU: &str = "这个菜单暂时没有内容。您可以直接打字提问，我来帮您想办法。";

pub const EMPTY_TEXT: &str = "请打字说说您遇到了什么事。";

/// The reply to one delivery: a text, or nothing (for events that need none).
pub fn respond(service: &Service, message: &Incoming) -> Result<Said, ServiceError> {
    let settings = &service.config().wechat;
    let answer_url = |id: &str| settings.answer_url(id);
    Ok(match &message.kind {
        Kind::Text(text) => Some(converse(service, message, text)?),
        Kind::Voice {
            recognition: Some(text),
        } => Some(converse(service, message, text)?),
        Kind::Voice { recognition: None } => Some(PLEASE_TYPE.into()),
        Kind::Event(Event::Subscribe | Event::Scan) => Some(WELCOME.into()),
        Kind::Event(Event::Unsubscribe) => {
            service.forget_channel_user(&message.user())?;
            None
        }
        Kind::Event(Event::Click(key)) => Some(
            settings
                .menu
                .get(key)
                .and_then(|id| service.corpus().get(id))
                .map_or_else(
                    || UNKNOWN_MENU.to_string(),
                    |entry| entry_text(&EntryCard::from(entry), answer_url),
                ),
        ),
        // Menu links, location reports, delivery receipts: nothing the resident said.
        Kind::Event(Event::Other(_)) => None,
        Kind::Other(_) => Some(ONLY_TEXT.into()),
    })
}

/// A chat turn in the resident's own session; what the resident could fix (an empty or
/// too long message) is said in words rather than refused.
fn converse(service: &Service, message: &Incoming, text: &str) -> Result<String, ServiceError> {
    let settings = &service.config().wechat;
    match service.chat_as(&message.user(), text) {
        Ok(reply) => Ok(chat_text(&reply, |id| settings.answer_url(id))),
        Err(ServiceError::Input(InputError::Empty)) => Ok(EMPTY_TEXT.into()),
        Err(ServiceError::Input(InputError::TooLong { max, .. })) => {
            Ok(format!("消息太长了，请分几次发，每次不超过{max}个字。"))
        }
        Err(other) => Err(other),
    }
}
