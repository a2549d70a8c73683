//! The two analyses as tantivy tokenizers, registered on an index under fixed names. The
//! writer and the reader both call [`register`], so they can never disagree.

use tantivy::tokenizer::{Token as TantivyToken, TokenStream, Tokenizer};

use crate::{gram_tokens, normalize, word_tokens, Token};

/// The tokenizer name of the word fields.
pub const WORDS: &str = "plan_words";
/// The tokenizer name of the gram field.
pub const GRAMS: &str = "plan_grams";
/// The tokenizer name of the English fields.
pub const ENGLISH: &str = "plan_en";

/// The English analysis: words, lowercased, English stop words removed, stemmed.
pub fn english() -> tantivy::tokenizer::TextAnalyzer {
    use tantivy::tokenizer::{AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer};
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::new(Language::English).expect("English stop words ship with tantivy"))
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Register every analysis on an index.
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(WORDS, WordTokenizer);
    index.tokenizers().register(GRAMS, GramTokenizer);
    index.tokenizers().register(ENGLISH, english());
}

thread_local! {
    // Building the analyzer (its stop-word set, its stemmer) costs more than analysing a
    // passage: keep one per thread.
    static ENGLISH_ANALYZER: std::cell::RefCell<tantivy::tokenizer::TextAnalyzer> = std::cell::RefCell::new(english());
}

/// The English analysis of a text: (stemmed term, char start, char end).
pub fn english_terms(text: &str) -> Vec<(String, usize, usize)> {
    ENGLISH_ANALYZER.with_borrow_mut(|analyzer| {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        // Byte offsets to character offsets, walking forward once.
        let (mut byte, mut chars) = (0usize, 0usize);
        let mut char_at = |b: usize| {
            if b < byte {
                byte = 0;
                chars = 0;
            }
            chars += text[byte..b].chars().count();
            byte = b;
            chars
        };
        while stream.advance() {
            let t = stream.token();
            let (from, to) = (t.offset_from, t.offset_to);
            let text = t.text.clone();
            let s = char_at(from);
            let e = char_at(to);
            out.push((text, s, e));
        }
        out
    })
}

/// The English analysis of a phrase: (position, stemmed term), the positions keeping the
/// gaps of removed stop words, so that a phrase query finds `internet of things`.
pub fn english_phrase(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = ENGLISH_ANALYZER.with_borrow_mut(|analyzer| {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push((stream.token().position, stream.token().text.clone()));
        }
        out
    });
    if let Some(first) = out.first().map(|t| t.0) {
        out.iter_mut().for_each(|t| t.0 -= first);
    }
    out
}

/// jieba search-mode words (see the crate docs).
#[derive(Clone, Copy, Debug, Default)]
pub struct WordTokenizer;

/// Chinese unigrams and bigrams, Latin words (see the crate docs).
#[derive(Clone, Copy, Debug, Default)]
pub struct GramTokenizer;

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(text, word_tokens(&normalize(text)))
    }
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(text, gram_tokens(&normalize(text)))
    }
}

/// Tokens computed up front. Offsets are byte offsets into the text given to the tokenizer
/// (normalization keeps one character for one, but not one byte for one, so the offsets
/// are recomputed on the original text).
pub struct VecTokenStream {
    tokens: Vec<TantivyToken>,
    at: usize,
}

impl VecTokenStream {
    fn new(original: &str, tokens: Vec<Token>) -> VecTokenStream {
        let bytes: Vec<usize> = original.char_indices().map(|(b, _)| b).chain([original.len()]).collect();
        let tokens = tokens
            .into_iter()
            .map(|t| TantivyToken { offset_from: bytes[t.start], offset_to: bytes[t.end], position: t.position, text: t.text, position_length: 1 })
            .collect();
        VecTokenStream { tokens, at: 0 }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.at += 1;
        self.at <= self.tokens.len()
    }
    fn token(&self) -> &TantivyToken {
        &self.tokens[self.at - 1]
    }
    fn token_mut(&mut self) -> &mut TantivyToken {
        &mut self.tokens[self.at - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_token(t: &TantivyToken, position: usize, text: &str, from: usize, to: usize) {
        assert_eq!((t.position, t.text.as_str(), t.offset_from, t.offset_to), (position, text, from, to));
    }

    #[test]
    fn english_phrases_keep_the_gaps_of_stop_words() {
        assert_eq!(english_phrase("the Internet of Things"), [(0, "internet".to_string()), (2, "thing".to_string())]);
    }

    #[test]
    fn gram_stream_has_positions_for_phrases() {
        let mut tok = GramTokenizer;
        let mut s = tok.token_stream("小康，5G");
        let mut all = vec![];
        while s.advance() {
            all.push(s.token().clone());
        }
        assert_token(&all[0], 0, "小", 0, 3);
        assert_token(&all[1], 0, "小康", 0, 6);
        assert_token(&all[2], 1, "康", 3, 6);
        assert_token(&all[3], 2, ",", 6, 9);
        assert_token(&all[4], 3, "5g", 9, 11);
    }
}
