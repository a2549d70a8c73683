//! plansearch's integration tests: one binary, one module per area, all on the real corpus.

// Shared helpers: repository root, the corpus loaded once, temp copies, the binary.
mod util;

// The corpus reproduces the source: regenerated exactly, nothing lost or invented,
// structure and panels in place, stable ids, bad sources rejected.
mod corpus;

// Search on the real corpus: ranking, substrings, quotes, filters, highlights, relevance.
mod search;

// Questions, pasted sentences, typos and short forms: the blind asked set per kind, answers.
mod asked;

// The web pages and JSON API through the real app: what a user sees, every route and error.
mod web;

// The server under load: the search pool's 503, the byte-bounded cache, size limits,
// compression, complete error responses, slow and idle clients on a real socket.
mod load;

// The English translation: complete, current, same figures, glossary terms used.
mod translation;

// Faults during builds: killed builds, two builds at once, damaged index files.
mod faults;

// Hostile input as properties (the fuzz targets' checks): parser, highlighter, normalizer.
mod properties;

// Records: targets (precision and recall on hand-labelled sentences), projects, citations, quote checks, CSV.
mod records;
