import ArgumentParser
import Foundation
import RightsRegistry

/// The one table from error to exit code (INTERFACE.md): 65 invalid input, 1 refused by a rule,
/// 69 service unavailable. Usage errors (64) come from ArgumentParser itself.
enum ExitCodes {
    static func code(for error: RegistryError) -> Int32 {
        switch error.category {
        case .validation, .notFound: 65
        case .rule, .conflict: 1
        case .unavailable: 69
        case .auth, .integrity: 1

        }
    }
}

/// Runs a command body; a `RegistryError` becomes one line on standard error naming the field
/// and the rule, and its exit code. Nothing else escapes as a stack trace.
func runReporting(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as RegistryError {
        report(error)
        throw ExitCode(ExitCodes.code(for: error))
    } catch let error as JSONParseError {
        Console.current.err("error: validation.body: \(error)")
        throw ExitCode(65)
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        Console.current.err("error: unavailable.store: \(error)")
        throw ExitCode(69)
    }
}

func report(_ error: RegistryError) {
    if error.problems.count > 1 {
        for problem in error.problems {
            Console.current.err("error: validation.\(problem.codeName) [\(problem.field)]: \(problem.reason)")
        }
    } else {
        Console.current.err("error: \(error)")
    }
}
