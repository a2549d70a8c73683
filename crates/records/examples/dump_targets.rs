fn main() {
    let corpus = plansearch_corpus::Corpus::load(std::path::Path::new("corpus")).unwrap();
    for t in plansearch_records::targets::extract(&corpus.passages()) {
        println!("{}", serde_json::to_string(&t).unwrap());
    }
}
