#Requires -Version 7.2
<#
.SYNOPSIS
    tater's primary remediation runbook (Azure Automation, PowerShell 7.2 runtime environment).

.DESCRIPTION
    Started by tater through a webhook. The request body is JSON with exactly four members:

        { "request_id": "<GUID>", "tenant_id": "<GUID>", "script_id": "<id>", "parameters": { ... } }

    The runbook validates the body, fetches the named remediation script (blob storage read with
    the Automation account's managed identity, or the TaterRemediation package it was deployed
    with, under Scripts/), checks the script's .TATER header, and scans the script with the
    patterns of exo-cmdlet-patterns.txt. A script that uses Exchange Online, Defender for Office
    365 or Security & Compliance cmdlets is handed to the Run-Remediation-EXO runbook
    (Windows PowerShell 5.1) and waited for; any other script runs here after connecting to
    Microsoft Graph, SharePoint (PnP) or Azure as its header's runtime says.

    The job output is ONE line of JSON:

        {"request_id":…,"script_id":…,"status":"completed"|"failed"|"no_change",
         "changes":[{"setting":…,"before":…,"after":…}],"errors":[…],"guidance":[…],"runtime":"7.2"|"5.1"}

    A failed remediation also ends the job as Failed, so the job status alone tells tater whether
    the request succeeded. No secret (token, SAS, key, certificate) is ever written to any stream:
    every string that leaves the runbook goes through Protect-TaterText.

    Settings are Automation variables (or, outside Azure Automation, environment variables of the
    same name); see doc/azure-runbooks.md:
        TaterTenantId               the tenant this Automation account may change (GUID; checked)
        TaterScriptsContainerUrl    https://<account>.blob.core.windows.net/<container> (no SAS)
        TaterGraphAuth              ManagedIdentity (default) | Certificate
        TaterAppId                  app registration client id (certificate sign-in)
        TaterCertificateName        Automation certificate asset (default TaterRemediationCert)
        TaterSharePointAdminUrl     https://<tenant>-admin.sharepoint.com (runtime spo)
        TaterResourceGroupName, TaterAutomationAccountName   where Run-Remediation-EXO lives
        TaterExoRunbookName         default Run-Remediation-EXO
        TaterExoMaxWaitSeconds      default 540 (tater stops polling at 600)
#>
param(
    [Parameter(Mandatory = $false)]
    [object] $WebhookData
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$InformationPreference = 'SilentlyContinue'

# ---------------------------------------------------------------------------------------------
# Constants shared with Run-Remediation-EXO.ps1 and tests/runbooks/check_scripts.sh. Keep them
# in step (the header format is documented in doc/remediation-setup.md).
# ---------------------------------------------------------------------------------------------
$script:AreaByPrefix = @{
    'defender' = 'defender'; 'exo' = 'exchange'; 'spo' = 'sharepoint'; 'entra' = 'entra'
    'powerbi' = 'powerbi'; 'purview' = 'purview'; 'scuba' = 'scuba'; 'teams' = 'teams'
}
$script:Runtimes = @('graph', 'spo', 'powerbi', 'exo', 'guidance')
$script:ParamTypes = @('bool', 'int', 'string', 'string[]')
$script:HeaderKeys = @('id', 'title', 'area', 'controls', 'runtime', 'idempotent', 'parameter', 'description')
$script:MaxBodyBytes = 65536
$script:MaxScriptBytes = 262144
$script:GuidPattern = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
$script:ScriptIdPattern = '^[a-z][a-z0-9]*(-[a-z0-9]+)+$'

$script:Result = [ordered]@{
    request_id = $null
    script_id  = $null
    status     = 'failed'
    changes    = @()
    errors     = @()
    guidance   = @()
    runtime    = '7.2'
}
$script:Written = $false

# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

# Masks anything that looks like a credential: query-string tokens and signatures, bearer
# tokens, JWTs, PEM blocks, storage account keys.
function Protect-TaterText {
    param([AllowNull()] [string] $Text)
    if ($null -eq $Text) { return $null }
    $t = $Text
    $t = [regex]::Replace($t, '(?i)\b(sig|token|code|secret|password|passwd|pwd|key|accountkey|client_secret|access_token|refresh_token)=([^&\s"'',;]+)', '$1=****')
    $t = [regex]::Replace($t, '(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+', 'Bearer ****')
    $t = [regex]::Replace($t, 'eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}(\.[A-Za-z0-9_-]*)?', '****')
    $t = [regex]::Replace($t, '-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----', '****')
    $t = [regex]::Replace($t, '[A-Za-z0-9+/]{86}==', '****')
    return $t
}

# Turns whatever a cmdlet returned into something ConvertTo-Json writes plainly.
function ConvertTo-TaterValue {
    param([AllowNull()] $Value, [int] $Depth = 0)
    if ($null -eq $Value) { return $null }
    if ($Depth -gt 4) { return (Protect-TaterText ([string]$Value)) }
    if ($Value -is [bool] -or $Value -is [int] -or $Value -is [long] -or $Value -is [double] -or $Value -is [decimal]) { return $Value }
    if ($Value -is [string]) { return (Protect-TaterText $Value) }
    if ($Value -is [datetime]) { return $Value.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ') }
    if ($Value -is [enum] -or $Value -is [guid] -or $Value -is [timespan]) { return [string]$Value }
    if ($Value -is [System.Collections.IDictionary]) {
        $o = [ordered]@{}
        foreach ($k in $Value.Keys) { $o[[string]$k] = ConvertTo-TaterValue $Value[$k] ($Depth + 1) }
        return $o
    }
    if ($Value -is [System.Collections.IEnumerable]) {
        return , @(foreach ($v in $Value) { ConvertTo-TaterValue $v ($Depth + 1) })
    }
    if ($Value -is [System.Management.Automation.PSCustomObject]) {
        $o = [ordered]@{}
        foreach ($p in $Value.PSObject.Properties) { $o[$p.Name] = ConvertTo-TaterValue $p.Value ($Depth + 1) }
        return $o
    }
    return (Protect-TaterText ([string]$Value))
}

function Add-TaterError {
    param([string] $Message)
    $script:Result.errors = @($script:Result.errors) + @(Protect-TaterText $Message)
}

# Writes the single result line. Called exactly once, at the end.
function Write-TaterResult {
    if ($script:Written) { return }
    $script:Written = $true
    if (@($script:Result.errors).Count -gt 0) { $script:Result.status = 'failed' }
    elseif (@($script:Result.changes).Count -gt 0) { $script:Result.status = 'completed' }
    else { $script:Result.status = 'no_change' }
    $json = $script:Result | ConvertTo-Json -Depth 10 -Compress
    Write-Output (Protect-TaterText $json)
}

# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------

# An Automation variable, or outside Azure Automation an environment variable of the same name.
function Get-TaterSetting {
    param([string] $Name, [string] $Default = '')
    $v = $null
    if (Get-Command -Name Get-AutomationVariable -ErrorAction SilentlyContinue) {
        try { $v = Get-AutomationVariable -Name $Name -ErrorAction Stop } catch { $v = $null }
    }
    if ([string]::IsNullOrWhiteSpace([string]$v)) { $v = [Environment]::GetEnvironmentVariable($Name) }
    if ([string]::IsNullOrWhiteSpace([string]$v)) { return $Default }
    return ([string]$v).Trim()
}

function Get-TaterCertificateThumbprint {
    $name = Get-TaterSetting 'TaterCertificateName' 'TaterRemediationCert'
    $cert = $null
    if (Get-Command -Name Get-AutomationCertificate -ErrorAction SilentlyContinue) {
        $cert = Get-AutomationCertificate -Name $name
    }
    if ($null -eq $cert) { throw "The certificate asset '$name' is missing from the Automation account." }
    return $cert.Thumbprint
}

$script:AzConnected = $false
function Connect-TaterAzure {
    if ($script:AzConnected) { return }
    $null = Connect-AzAccount -Identity -WarningAction SilentlyContinue 6>$null
    $script:AzConnected = $true
}

# A bearer token for a resource, from the managed identity, as plain text (never output).
function Get-TaterAccessToken {
    param([string] $ResourceUrl)
    Connect-TaterAzure
    $tok = Get-AzAccessToken -ResourceUrl $ResourceUrl -WarningAction SilentlyContinue
    if ($tok.Token -is [securestring]) { return (ConvertFrom-SecureString -SecureString $tok.Token -AsPlainText) }
    return [string]$tok.Token
}

# ---------------------------------------------------------------------------------------------
# The request
# ---------------------------------------------------------------------------------------------

function Test-TaterScalar {
    param($Value)
    return ($Value -is [string] -or $Value -is [bool] -or $Value -is [int] -or $Value -is [long] -or $Value -is [double])
}

# Returns the validated request as a hashtable, or $null after recording why it was refused.
function Read-TaterRequest {
    param($WebhookData)
    if ($null -eq $WebhookData) { Add-TaterError 'No webhook data: start this runbook through its webhook.'; return $null }
    $wd = $WebhookData
    if ($wd -is [string]) {
        # The 7.2 runtime can hand $WebhookData over as its JSON text.
        try { $wd = $wd | ConvertFrom-Json -Depth 5 } catch { Add-TaterError 'The webhook data is not valid JSON.'; return $null }
    }
    $raw = $null
    if ($wd -is [System.Collections.IDictionary]) { if ($wd.Contains('RequestBody')) { $raw = $wd['RequestBody'] } }
    elseif ($wd.PSObject.Properties.Name -contains 'RequestBody') { $raw = $wd.RequestBody }
    if ($raw -isnot [string] -or [string]::IsNullOrWhiteSpace($raw)) { Add-TaterError 'The request has no body: POST a JSON object.'; return $null }
    if ([Text.Encoding]::UTF8.GetByteCount($raw) -gt $script:MaxBodyBytes) { Add-TaterError "The request body is larger than $($script:MaxBodyBytes) bytes."; return $null }
    try { $body = $raw | ConvertFrom-Json -AsHashtable -Depth 5 } catch { Add-TaterError 'The request body is not valid JSON.'; return $null }
    if ($body -isnot [System.Collections.IDictionary]) { Add-TaterError 'The request body must be a JSON object.'; return $null }

    $ok = $true
    foreach ($k in $body.Keys) {
        if (@('request_id', 'tenant_id', 'script_id', 'parameters') -cnotcontains $k) { Add-TaterError "Unknown member '$k' in the request body (allowed: request_id, tenant_id, script_id, parameters)."; $ok = $false }
    }
    foreach ($k in @('request_id', 'tenant_id', 'script_id', 'parameters')) {
        if (-not $body.ContainsKey($k)) { Add-TaterError "The request body lacks '$k'."; $ok = $false }
    }
    if (-not $ok) { return $null }

    if ($body.request_id -is [string] -and $body.request_id -match $script:GuidPattern) { $script:Result.request_id = $body.request_id.ToLowerInvariant() }
    else { Add-TaterError 'request_id must be a GUID string.'; $ok = $false }
    if ($body.script_id -is [string] -and $body.script_id.Length -le 64 -and $body.script_id -cmatch $script:ScriptIdPattern) {
        $script:Result.script_id = $body.script_id
        $prefix = $body.script_id.Split('-')[0]
        if (-not $script:AreaByPrefix.ContainsKey($prefix)) { Add-TaterError "script_id '$($body.script_id)' does not start with a known area prefix."; $ok = $false }
    }
    else { Add-TaterError 'script_id must be lower-case letters, digits and dashes (for example exo-smtp-auth-disabled).'; $ok = $false }
    if (-not ($body.tenant_id -is [string] -and $body.tenant_id -match $script:GuidPattern)) { Add-TaterError 'tenant_id must be a GUID string.'; $ok = $false }
    else {
        $mine = Get-TaterSetting 'TaterTenantId'
        if ($mine -and ($mine -ne $body.tenant_id)) { Add-TaterError "tenant_id $($body.tenant_id) is not the tenant this Automation account serves."; $ok = $false }
    }
    if ($body.parameters -isnot [System.Collections.IDictionary]) { Add-TaterError 'parameters must be a JSON object ({} for none).'; $ok = $false }
    else {
        foreach ($k in @($body.parameters.Keys)) {
            $v = $body.parameters[$k]
            if ($k -cnotmatch '^[A-Za-z][A-Za-z0-9]{0,63}$') { Add-TaterError "Parameter name '$k' is not valid."; $ok = $false; continue }
            if ($null -eq $v) { continue }
            if (Test-TaterScalar $v) {
                if ($v -is [string] -and $v.Length -gt 2048) { Add-TaterError "Parameter '$k' is longer than 2048 characters."; $ok = $false }
                continue
            }
            if ($v -is [System.Collections.IList]) {
                if ($v.Count -gt 500) { Add-TaterError "Parameter '$k' has more than 500 items."; $ok = $false; continue }
                foreach ($i in $v) { if (-not (Test-TaterScalar $i)) { Add-TaterError "Parameter '$k' may only hold strings, numbers or booleans."; $ok = $false; break } }
                continue
            }
            Add-TaterError "Parameter '$k' must be a string, number, boolean or array of those."; $ok = $false
        }
    }
    if (-not $ok) { return $null }
    return $body
}

# ---------------------------------------------------------------------------------------------
# Scripts: fetching, the .TATER header, the Exchange pattern scan
# ---------------------------------------------------------------------------------------------

function Get-TaterPackageBase {
    $m = Get-Module -ListAvailable -Name 'TaterRemediation' | Sort-Object Version -Descending | Select-Object -First 1
    if ($m) { return $m.ModuleBase }
    return $null
}

# Reads a file the runbooks ship (relative to the package root): blob first, then the package,
# then the folder this runbook runs from (hybrid workers, local tests).
function Get-TaterFile {
    param([string] $RelativePath)
    $container = Get-TaterSetting 'TaterScriptsContainerUrl'
    if ($container) {
        if ($container -notmatch '^https://[A-Za-z0-9.-]+(:[0-9]+)?/[A-Za-z0-9._/-]+$') {
            throw 'TaterScriptsContainerUrl must be a plain https container URL with no query string (the managed identity reads it; never put a SAS token in it).'
        }
        $uri = $container.TrimEnd('/') + '/' + $RelativePath
        $token = Get-TaterAccessToken 'https://storage.azure.com/'
        try {
            $resp = Invoke-WebRequest -Uri $uri -Headers @{ Authorization = "Bearer $token"; 'x-ms-version' = '2021-08-06' } -MaximumRedirection 0 -TimeoutSec 60
        }
        catch {
            $code = $null
            if ($_.Exception.PSObject.Properties.Name -contains 'Response' -and $_.Exception.Response) { $code = [int]$_.Exception.Response.StatusCode }
            if ($code -eq 404) { return $null }
            throw "Reading $RelativePath from blob storage failed ($code). Check that the managed identity has Storage Blob Data Reader on the container."
        }
        finally { $token = $null }
        $content = $resp.Content
        if ($content -is [byte[]]) { $content = [Text.Encoding]::UTF8.GetString($content) }
        return [string]$content
    }
    $bases = @()
    $pkg = Get-TaterPackageBase
    if ($pkg) { $bases += $pkg }
    if ($PSScriptRoot) { $bases += $PSScriptRoot }
    foreach ($b in $bases) {
        foreach ($rel in @($RelativePath, ($RelativePath -replace '^scripts/', 'Scripts/'))) {
            $p = Join-Path $b $rel
            if (Test-Path -LiteralPath $p -PathType Leaf) { return [IO.File]::ReadAllText($p, [Text.Encoding]::UTF8) }
        }
    }
    return $null
}

function Get-TaterScriptText {
    param([string] $ScriptId)
    $area = $script:AreaByPrefix[$ScriptId.Split('-')[0]]
    $text = Get-TaterFile "scripts/$area/$ScriptId.ps1"
    if ($null -eq $text) { throw "No remediation script '$ScriptId' (looked for scripts/$area/$ScriptId.ps1)." }
    if ($text.Length -gt 0 -and $text[0] -eq [char]0xFEFF) { $text = $text.Substring(1) }
    if ([Text.Encoding]::UTF8.GetByteCount($text) -gt $script:MaxScriptBytes) { throw "Script '$ScriptId' is larger than $($script:MaxScriptBytes) bytes." }
    return $text
}

function Get-TaterSha256 {
    param([string] $Text)
    $sha = [Security.Cryptography.SHA256]::Create()
    try { return ([BitConverter]::ToString($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($Text))) -replace '-', '').ToLowerInvariant() }
    finally { $sha.Dispose() }
}

# The .TATER header: line 1 "<#", line 2 ".TATER", then "key: value" lines up to a line "#>".
# Same rules as tests/runbooks/check_scripts.sh and tater's catalog reader.
function Read-TaterHeader {
    param([string] $Text)
    $lines = $Text -split "`r?`n"
    if ($lines.Count -lt 4 -or $lines[0] -cne '<#' -or $lines[1] -cne '.TATER') { throw 'The script does not start with a .TATER header block.' }
    $h = @{ parameters = @() }
    $end = $false
    for ($i = 2; $i -lt $lines.Count; $i++) {
        $line = $lines[$i]
        if ($line -ceq '#>') { $end = $true; break }
        if ($line -cnotmatch '^([a-z]+): (\S.*)$') { throw "Header line $($i + 1) is not 'key: value'." }
        $k = $Matches[1]; $v = $Matches[2].Trim()
        if ($script:HeaderKeys -cnotcontains $k) { throw "Header line $($i + 1): unknown key '$k'." }
        if ($k -eq 'parameter') {
            $f = @($v.Split('|') | ForEach-Object { $_.Trim() })
            if ($f.Count -ne 4 -or $f[0] -cnotmatch '^[A-Z][A-Za-z0-9]*$' -or $script:ParamTypes -cnotcontains $f[1] -or -not $f[3]) { throw "Header line $($i + 1): parameter must be 'Name | type | default | description'." }
            $h.parameters += , @{ name = $f[0]; type = $f[1]; default = $f[2] }
            continue
        }
        if ($h.ContainsKey($k)) { throw "Header line $($i + 1): '$k' given twice." }
        $h[$k] = $v
    }
    if (-not $end) { throw 'The .TATER header is not closed with #>.' }
    foreach ($k in @('id', 'title', 'area', 'controls', 'runtime', 'idempotent', 'description')) {
        if (-not $h.ContainsKey($k)) { throw "The .TATER header lacks '$k'." }
    }
    if ($script:Runtimes -cnotcontains $h.runtime) { throw "Unknown runtime '$($h.runtime)'." }
    return $h
}

# The patterns of exo-cmdlet-patterns.txt, with their section (exo or scc).
function Get-TaterExoPatterns {
    $text = Get-TaterFile 'exo-cmdlet-patterns.txt'
    if ($null -eq $text) { throw 'exo-cmdlet-patterns.txt was not found beside the scripts.' }
    $section = 'exo'
    $list = @()
    foreach ($line in ($text -split "`r?`n")) {
        if ($line -match '^#@\s*([a-z]+)\s*$') { $section = $Matches[1]; continue }
        if ($line -match '^\s*(#|$)') { continue }
        $list += , @{ section = $section; regex = [regex]::new($line, [Text.RegularExpressions.RegexOptions]::IgnoreCase) }
    }
    if ($list.Count -eq 0) { throw 'exo-cmdlet-patterns.txt holds no pattern.' }
    return $list
}

# Which sections (exo, scc) have a pattern matching some line of the script.
function Find-TaterExoCmdlets {
    param([string] $Text, $Patterns)
    $hit = @{}
    foreach ($line in ($Text -split "`r?`n")) {
        foreach ($p in $Patterns) { if ($p.regex.IsMatch($line)) { $hit[$p.section] = $true } }
    }
    return $hit
}

# Checks tater's parameters against the header and converts them to the declared types.
function ConvertTo-TaterParameters {
    param($Header, $Given)
    $out = @{}
    $declared = @{}
    foreach ($p in $Header.parameters) { $declared[$p.name] = $p.type }
    foreach ($k in $Given.Keys) {
        if (-not $declared.ContainsKey($k)) { Add-TaterError "Script '$($Header.id)' takes no parameter '$k'."; continue }
        $v = $Given[$k]
        if ($null -eq $v) { continue }
        switch ($declared[$k]) {
            'bool' {
                if ($v -is [bool]) { $out[$k] = $v }
                elseif ("$v" -match '^(?i)(true|false)$') { $out[$k] = ("$v" -ieq 'true') }
                else { Add-TaterError "Parameter '$k' must be true or false." }
            }
            'int' {
                $n = 0L
                if (($v -is [long] -or $v -is [int]) -or ("$v" -match '^-?[0-9]{1,9}$' -and [long]::TryParse("$v", [ref]$n))) { $out[$k] = [int]$v }
                else { Add-TaterError "Parameter '$k' must be a whole number." }
            }
            'string' {
                if (Test-TaterScalar $v) { $out[$k] = [string]$v } else { Add-TaterError "Parameter '$k' must be a string." }
            }
            'string[]' {
                if ($v -is [System.Collections.IList]) { $out[$k] = [string[]]@($v | ForEach-Object { [string]$_ }) }
                else { $out[$k] = [string[]]@(([string]$v).Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ }) }
            }
        }
    }
    return $out
}

# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------

function Connect-TaterRuntime {
    param([string] $Runtime, [string] $TenantId)
    switch ($Runtime) {
        'graph' {
            if ((Get-TaterSetting 'TaterGraphAuth' 'ManagedIdentity') -ieq 'Certificate') {
                $appId = Get-TaterSetting 'TaterAppId'
                if (-not $appId) { throw 'TaterGraphAuth is Certificate but TaterAppId is not set.' }
                $null = Connect-MgGraph -ClientId $appId -TenantId $TenantId -CertificateThumbprint (Get-TaterCertificateThumbprint) -NoWelcome 6>$null
            }
            else {
                $null = Connect-MgGraph -Identity -NoWelcome 6>$null
            }
        }
        'spo' {
            $url = Get-TaterSetting 'TaterSharePointAdminUrl'
            if ($url -notmatch '^https://[A-Za-z0-9-]+-admin\.sharepoint\.(com|us|de|cn)/?$') { throw 'TaterSharePointAdminUrl must be https://<tenant>-admin.sharepoint.com.' }
            if ((Get-TaterSetting 'TaterGraphAuth' 'ManagedIdentity') -ieq 'Certificate') {
                $null = Connect-PnPOnline -Url $url -ClientId (Get-TaterSetting 'TaterAppId') -Tenant $TenantId -Thumbprint (Get-TaterCertificateThumbprint) 6>$null
            }
            else {
                $null = Connect-PnPOnline -Url $url -ManagedIdentity 6>$null
            }
        }
        'powerbi' { Connect-TaterAzure }
        'guidance' { }
        default { throw "Runtime '$Runtime' cannot run in the 7.2 runbook." }
    }
}

# Runs the script text with its parameters and folds what it emits into the result:
# objects with a 'setting' property are changes, strings are guidance, error records are errors.
function Invoke-TaterScript {
    param([string] $Text, [hashtable] $Parameters)
    $block = [scriptblock]::Create($Text)
    # Scripts are written for the default (non-strict) mode.
    Set-StrictMode -Off
    # Streamed, so that what a script reported before a terminating error is kept.
    try {
        & $block @Parameters 2>&1 3>$null 6>$null | ForEach-Object { Add-TaterItem $_ }
    }
    catch {
        Add-TaterError ([string]$_.Exception.Message)
    }
}

function Add-TaterItem {
    param($Item)
    if ($null -eq $Item) { return }
    if ($Item -is [System.Management.Automation.ErrorRecord]) { Add-TaterError ([string]$Item.Exception.Message); return }
    if ($Item -is [string]) { $script:Result.guidance = @($script:Result.guidance) + @(Protect-TaterText $Item); return }
    if ($Item.PSObject.Properties.Name -contains 'setting') {
        $script:Result.changes = @($script:Result.changes) + @([ordered]@{
                setting = [string]$Item.setting
                before  = (ConvertTo-TaterValue $Item.before)
                after   = (ConvertTo-TaterValue $Item.after)
            })
    }
}

# Hands an Exchange script to Run-Remediation-EXO and adopts its result.
function Invoke-TaterExoRunbook {
    param([string] $ScriptId, [string] $ScriptSha256, [System.Collections.IDictionary] $Given)
    Connect-TaterAzure
    $rg = Get-TaterSetting 'TaterResourceGroupName'
    $aa = Get-TaterSetting 'TaterAutomationAccountName'
    if (-not $rg -or -not $aa) { throw 'TaterResourceGroupName and TaterAutomationAccountName must be set to start Run-Remediation-EXO.' }
    $name = Get-TaterSetting 'TaterExoRunbookName' 'Run-Remediation-EXO'
    $maxWait = [int](Get-TaterSetting 'TaterExoMaxWaitSeconds' '540')
    $params = @{
        RequestId      = [string]$script:Result.request_id
        ScriptId       = $ScriptId
        ParametersJson = ($Given | ConvertTo-Json -Depth 5 -Compress)
        ScriptSha256   = $ScriptSha256
    }
    $job = Start-AzAutomationRunbook -ResourceGroupName $rg -AutomationAccountName $aa -Name $name -Parameters $params
    $script:Result.runtime = '5.1'
    $deadline = (Get-Date).AddSeconds($maxWait)
    $status = [string]$job.Status
    while (@('Completed', 'Failed', 'Stopped', 'Suspended') -notcontains $status) {
        if ((Get-Date) -gt $deadline) {
            Add-TaterError "Run-Remediation-EXO job $($job.JobId) is still $status after $maxWait s; it keeps running in Azure Automation, look there for its result."
            return
        }
        Start-Sleep -Seconds 5
        $status = [string](Get-AzAutomationJob -ResourceGroupName $rg -AutomationAccountName $aa -Id $job.JobId).Status
    }
    $found = $null
    $records = @(Get-AzAutomationJobOutput -ResourceGroupName $rg -AutomationAccountName $aa -Id $job.JobId -Stream Output)
    foreach ($r in $records) {
        $full = Get-AzAutomationJobOutputRecord -ResourceGroupName $rg -AutomationAccountName $aa -JobId $job.JobId -Id $r.StreamRecordId
        $v = $full.Value
        if ($v -is [System.Collections.IDictionary] -and $v.Contains('value')) { $v = $v['value'] }
        $s = [string]$v
        if ($s -notmatch '^\s*\{') { continue }
        try { $o = $s | ConvertFrom-Json -AsHashtable -Depth 10 } catch { continue }
        if ($o -is [System.Collections.IDictionary] -and $o['request_id'] -eq $script:Result.request_id) { $found = $o }
    }
    if ($null -eq $found) {
        Add-TaterError "Run-Remediation-EXO job $($job.JobId) ended $status without a result."
        return
    }
    $script:Result.status = [string]$found['status']
    $script:Result.changes = @($found['changes'] | Where-Object { $null -ne $_ })
    $script:Result.errors = @($script:Result.errors) + @($found['errors'] | Where-Object { $null -ne $_ } | ForEach-Object { Protect-TaterText ([string]$_) })
    if ($found.Contains('guidance')) { $script:Result.guidance = @($found['guidance'] | Where-Object { $null -ne $_ }) }
    if ($status -ne 'Completed' -and @($script:Result.errors).Count -eq 0) { Add-TaterError "Run-Remediation-EXO job $($job.JobId) ended $status." }
}

# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------
try {
    $request = Read-TaterRequest $WebhookData
    if ($null -ne $request) {
        $text = Get-TaterScriptText $request.script_id
        $header = Read-TaterHeader $text
        if ($header.id -cne $request.script_id) { throw "The script's header names '$($header.id)', not '$($request.script_id)'." }
        $hits = Find-TaterExoCmdlets $text (Get-TaterExoPatterns)
        $needsExo = $hits.Count -gt 0
        if ($needsExo -ne ($header.runtime -eq 'exo')) {
            throw "Script '$($request.script_id)' declares runtime '$($header.runtime)' but its cmdlets say otherwise (exo-cmdlet-patterns.txt); refusing to run it."
        }
        $params = ConvertTo-TaterParameters $header $request.parameters
        if (@($script:Result.errors).Count -eq 0) {
            if ($needsExo) {
                Invoke-TaterExoRunbook $request.script_id (Get-TaterSha256 $text) $request.parameters
            }
            else {
                Connect-TaterRuntime $header.runtime $request.tenant_id
                Invoke-TaterScript $text $params
            }
        }
    }
}
catch {
    Add-TaterError ([string]$_.Exception.Message)
}
finally {
    if (Get-Command -Name Disconnect-MgGraph -ErrorAction SilentlyContinue) { try { $null = Disconnect-MgGraph -ErrorAction SilentlyContinue } catch { } }
}

Write-TaterResult
if ($script:Result.status -eq 'failed') {
    throw (Protect-TaterText ("Remediation failed: " + (@($script:Result.errors) | Select-Object -First 1)))
}
