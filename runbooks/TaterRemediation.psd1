# Manifest of the TaterRemediation package: the remediation scripts and the Exchange pattern
# file, importable into both Azure Automation runtime environments as one module, for accounts
# that do not read the scripts from blob storage. No code is exported; the runbooks find the
# files under this module's ModuleBase (Scripts/<area>/<id>.ps1, exo-cmdlet-patterns.txt).
# Build the zip as described in doc/azure-runbooks.md ("The package instead of blob storage").
@{
    ModuleVersion     = '1.0.0'
    GUID              = '3f6c2a4e-8d1b-4c7a-9e52-0b7d4f1a6c93'
    Author            = 'tater'
    Description       = 'Remediation scripts run by the Run-Remediation and Run-Remediation-EXO runbooks.'
    PowerShellVersion = '5.1'
    FunctionsToExport = @()
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
