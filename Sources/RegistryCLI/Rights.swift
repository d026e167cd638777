import ArgumentParser

/// `rights`: the registry's command line for administrators, clerks and exchange operators.
@main
struct Rights: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rights",
        abstract: "Rural property rights registry and exchange.",
        discussion: """
            Exit codes: 0 success; 64 usage error; 65 invalid input data; 1 refused by a registry \
            or exchange rule; 69 a needed service (the database) unavailable.
            """,
        subcommands: [
            Init.self, Demo.self, Import.self, RightCommand.self, Register.self, Act.self, Complete.self,
            Transfer.self, Cancel.self, Object.self, AdvanceNotice.self, Seize.self, ReleaseSeizure.self, File.self,
            HouseholdCommand.self, Roster.self, Charter.self, PolicyCommand.self, CertificateCommand.self,
            LogCommand.self,
            KeysCommand.self, Migrate.self, Audit.self, Rebuild.self, Backup.self, Copy.self, Serve.self, Token.self,
            ListingCommand.self,
            DealCommand.self, MortgageCommand.self, WithdrawCommand.self, WitnessCommand.self, UserCommand.self,

        ]
    )
}
