use super::Segmenter;
use std::sync::Arc;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The name the jieba tokenizer is registered under in every index the service opens.
/// Tokenizers are not saved in a tantivy index, so it is registered after each open.
pub const TOKENIZER_NAME: &str = "mingbai_jieba";

/// tantivy tokenizer over the service's one [`Segmenter`] (with the user dictionary),
/// lowercasing ASCII so "APP" and "app" meet.
#[derive(Clone)]
pub struct JiebaTokenizer {
    segmenter: Arc<Segmenter>,
}

impl JiebaTokenizer {
    pub fn new(segmenter: Arc<Segmenter>) -> Self {
        JiebaTokenizer { segmenter }
    }
}

pub struct JiebaTokenStream {
    tokens: Vec<Token>,
    index: usize,
}

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = JiebaTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> JiebaTokenStream {
        let tokens = self
            .segmenter
            .pieces(text)
            .into_iter()
            .enumerate()
            .map(|(position, piece)| Token {
                offset_from: piece.start,
                offset_to: piece.end,
                position,
                text: piece.word.to_lowercase(),
                position_length: 1,
            })
            .collect();
        JiebaTokenStream { tokens, index: 0 }
    }
}

impl TokenStream for JiebaTokenStream {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Lexicon;

    #[test]
    fn tokens_carry_byte_offsets_and_lowercase_text() {
        let seg = Arc::new(Segmenter::new(&Lexicon::default()).unwrap());
        let mut tokenizer = JiebaTokenizer::new(seg);
        let text = "下载国家反诈中心APP";
        let mut stream = tokenizer.token_stream(text);
        let mut seen = Vec::new();
        while stream.advance() {
            let token = stream.token();
            assert_eq!(
                text[token.offset_from..token.offset_to].to_lowercase(),
                token.text
            );
            seen.push(token.text.clone());
        }
        assert!(seen.contains(&"app".to_string()), "{seen:?}");
    }
}
