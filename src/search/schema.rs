use crate::text::TOKENIZER_NAME;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, STORED, STRING,
};

/// The fields of the knowledge index. Only `id` and `body` are stored: the entry itself
/// is served from the corpus in memory, the body is kept for snippets.
#[derive(Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub title: Field,
    pub questions: Field,
    pub keywords: Field,
    pub body: Field,
}

impl Fields {
    pub fn schema() -> (Schema, Fields) {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER_NAME)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let text = TextOptions::default().set_indexing_options(indexing);
        let mut builder = Schema::builder();
        let fields = Fields {
            id: builder.add_text_field("id", STRING | STORED),
            title: builder.add_text_field("title", text.clone()),
            questions: builder.add_text_field("questions", text.clone()),
            keywords: builder.add_text_field("keywords", text.clone()),
            body: builder.add_text_field("body", text.set_stored()),
        };
        (builder.build(), fields)
    }

    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        Ok(Fields {
            id: schema.get_field("id")?,
            title: schema.get_field("title")?,
            questions: schema.get_field("questions")?,
            keywords: schema.get_field("keywords")?,
            body: schema.get_field("body")?,
        })
    }
}
