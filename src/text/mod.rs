//! Text handling: normalization, masking of personal data, jieba segmentation and the
//! tantivy tokenizer built on it.

mod mask;
mod normalize;
mod segmenter;
mod tokenizer;

pub use mask::mask_personal_data;
pub use normalize::normalize;
pub use segmenter::{Lexicon, Piece, Segmenter};
pub use tokenizer::{JiebaTokenizer, TOKENIZER_NAME};
