use std::process::ExitCode;

fn main() -> ExitCode {
    fieldplan::cli::main()
}
