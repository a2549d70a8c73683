fn main() {
    let dir = std::path::Path::new("corpus/caidian");
    match plansearch_corpus::ingest(dir) {
        Ok(o) => println!("{:?}", o),
        Err(e) => { eprintln!("error: {e}"); std::process::exit(1) }
    }
}
