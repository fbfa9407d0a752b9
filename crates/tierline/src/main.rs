//! The tierline binary: hands the command line to the library.

fn main() -> std::process::ExitCode {
    tierline::cli::run()
}
