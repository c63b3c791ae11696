#Requires -Version 5.1
<#
.SYNOPSIS
    tater's Exchange Online remediation runbook (Azure Automation, Windows PowerShell 5.1
    runtime environment with ExchangeOnlineManagement 3.x).

.DESCRIPTION
    Started by Run-Remediation (never by a webhook) for scripts that use Exchange Online,
    Defender for Office 365 or Security & Compliance cmdlets, as exo-cmdlet-patterns.txt
    decides. It fetches the script itself by id from the same store (so only scripts from the
    store ever run here), checks that it is the very text the primary runbook scanned
    (SHA-256), connects to Exchange Online with the app registration's certificate and, when
    the script matches a pattern of the "#@ scc" section, to Security & Compliance PowerShell,
    runs the script and writes ONE line of JSON to the output, the same shape as
    Run-Remediation's result with "runtime":"5.1".

    Settings (Automation variables, or environment variables outside Azure Automation):
        TaterTenantId, TaterScriptsContainerUrl   as for Run-Remediation
        TaterAppId                 the app registration's client id (Exchange.ManageAsApp)
        TaterExoOrganization       the tenant's initial domain, e.g. contoso.onmicrosoft.com
        TaterCertificateName       Automation certificate asset (default TaterRemediationCert)
        TaterCertificateThumbprint optional: use this thumbprint instead of the asset's

    Windows PowerShell 5.1 syntax only: no ternary, no ??, no ConvertFrom-Json -AsHashtable.
#>
param(
    [Parameter(Mandatory = $true)] [string] $RequestId,
    [Parameter(Mandatory = $true)] [string] $ScriptId,
    [Parameter(Mandatory = $false)] [string] $ParametersJson = '{}',
    [Parameter(Mandatory = $false)] [string] $ScriptSha256 = ''
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$InformationPreference = 'SilentlyContinue'

# Kept in step with Run-Remediation.ps1 and tests/runbooks/check_scripts.sh.
$script:AreaByPrefix = @{
    'defender' = 'defender'; 'exo' = 'exchange'; 'spo' = 'sharepoint'; 'entra' = 'entra'
    'powerbi' = 'powerbi'; 'purview' = 'purview'; 'scuba' = 'scuba'; 'teams' = 'teams'
}
$script:Runtimes = @('graph', 'spo', 'powerbi', 'exo', 'guidance')
$script:ParamTypes = @('bool', 'int', 'string', 'string[]')
$script:HeaderKeys = @('id', 'title', 'area', 'controls', 'runtime', 'idempotent', 'parameter', 'description')
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
    runtime    = '5.1'
}
$script:Written = $false

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
        # Exchange's MultiValuedProperty lands here: a list of strings.
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

function Write-TaterResult {
    if ($script:Written) { return }
    $script:Written = $true
    if (@($script:Result.errors).Count -gt 0) { $script:Result.status = 'failed' }
    elseif (@($script:Result.changes).Count -gt 0) { $script:Result.status = 'completed' }
    else { $script:Result.status = 'no_change' }
    $json = $script:Result | ConvertTo-Json -Depth 10 -Compress
    Write-Output (Protect-TaterText $json)
}

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
    $t = Get-TaterSetting 'TaterCertificateThumbprint'
    if ($t) { return $t }
    $name = Get-TaterSetting 'TaterCertificateName' 'TaterRemediationCert'
    $cert = $null
    if (Get-Command -Name Get-AutomationCertificate -ErrorAction SilentlyContinue) {
        $cert = Get-AutomationCertificate -Name $name
    }
    if ($null -eq $cert) { throw "The certificate asset '$name' is missing from the Automation account." }
    return $cert.Thumbprint
}

function Get-TaterAccessToken {
    param([string] $ResourceUrl)
    $null = Connect-AzAccount -Identity -WarningAction SilentlyContinue
    $tok = Get-AzAccessToken -ResourceUrl $ResourceUrl -WarningAction SilentlyContinue
    if ($tok.Token -is [securestring]) {
        $bstr = [Runtime.InteropServices.Marshal]::SecureStringToBSTR($tok.Token)
        try { return [Runtime.InteropServices.Marshal]::PtrToStringBSTR($bstr) }
        finally { [Runtime.InteropServices.Marshal]::ZeroFreeBSTR($bstr) }
    }
    return [string]$tok.Token
}

function Get-TaterFile {
    param([string] $RelativePath)
    $container = Get-TaterSetting 'TaterScriptsContainerUrl'
    if ($container) {
        if ($container -notmatch '^https://[A-Za-z0-9.-]+(:[0-9]+)?/[A-Za-z0-9._/-]+$') {
            throw 'TaterScriptsContainerUrl must be a plain https container URL with no query string (the managed identity reads it; never put a SAS token in it).'
        }
        [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
        $uri = $container.TrimEnd('/') + '/' + $RelativePath
        $token = Get-TaterAccessToken 'https://storage.azure.com/'
        try {
            $resp = Invoke-WebRequest -Uri $uri -Headers @{ Authorization = "Bearer $token"; 'x-ms-version' = '2021-08-06' } -UseBasicParsing -MaximumRedirection 0 -TimeoutSec 60
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
    $m = Get-Module -ListAvailable -Name 'TaterRemediation' | Sort-Object Version -Descending | Select-Object -First 1
    if ($m) { $bases += $m.ModuleBase }
    if ($PSScriptRoot) { $bases += $PSScriptRoot }
    foreach ($b in $bases) {
        foreach ($rel in @($RelativePath, ($RelativePath -replace '^scripts/', 'Scripts/'))) {
            $p = Join-Path $b $rel
            if (Test-Path -LiteralPath $p -PathType Leaf) { return [IO.File]::ReadAllText($p, [Text.Encoding]::UTF8) }
        }
    }
    return $null
}

function Get-TaterSha256 {
    param([string] $Text)
    $sha = [Security.Cryptography.SHA256]::Create()
    try { return ([BitConverter]::ToString($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($Text))) -replace '-', '').ToLowerInvariant() }
    finally { $sha.Dispose() }
}

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

function Get-TaterExoPatterns {
    $text = Get-TaterFile 'exo-cmdlet-patterns.txt'
    if ($null -eq $text) { throw 'exo-cmdlet-patterns.txt was not found beside the scripts.' }
    $section = 'exo'
    $list = @()
    foreach ($line in ($text -split "`r?`n")) {
        if ($line -match '^#@\s*([a-z]+)\s*$') { $section = $Matches[1]; continue }
        if ($line -match '^\s*(#|$)') { continue }
        $list += , @{ section = $section; regex = New-Object System.Text.RegularExpressions.Regex($line, [Text.RegularExpressions.RegexOptions]::IgnoreCase) }
    }
    if ($list.Count -eq 0) { throw 'exo-cmdlet-patterns.txt holds no pattern.' }
    return $list
}

function Find-TaterExoCmdlets {
    param([string] $Text, $Patterns)
    $hit = @{}
    foreach ($line in ($Text -split "`r?`n")) {
        foreach ($p in $Patterns) { if ($p.regex.IsMatch($line)) { $hit[$p.section] = $true } }
    }
    return $hit
}

function Test-TaterScalar {
    param($Value)
    return ($Value -is [string] -or $Value -is [bool] -or $Value -is [int] -or $Value -is [long] -or $Value -is [double] -or $Value -is [decimal])
}

# ParametersJson (an object) against the header's declared parameters, typed.
function ConvertTo-TaterParameters {
    param($Header, [string] $Json)
    $out = @{}
    $declared = @{}
    foreach ($p in $Header.parameters) { $declared[$p.name] = $p.type }
    if ([string]::IsNullOrWhiteSpace($Json)) { $Json = '{}' }
    try { $given = $Json | ConvertFrom-Json } catch { Add-TaterError 'ParametersJson is not valid JSON.'; return $out }
    if ($null -eq $given) { return $out }
    if ($given -isnot [System.Management.Automation.PSCustomObject]) { Add-TaterError 'ParametersJson must be a JSON object.'; return $out }
    foreach ($prop in $given.PSObject.Properties) {
        $k = $prop.Name; $v = $prop.Value
        if (-not $declared.ContainsKey($k)) { Add-TaterError "Script '$($Header.id)' takes no parameter '$k'."; continue }
        if ($null -eq $v) { continue }
        switch ($declared[$k]) {
            'bool' {
                if ($v -is [bool]) { $out[$k] = $v }
                elseif ("$v" -match '^(?i)(true|false)$') { $out[$k] = ("$v" -ieq 'true') }
                else { Add-TaterError "Parameter '$k' must be true or false." }
            }
            'int' {
                if ($v -is [int] -or $v -is [long] -or "$v" -match '^-?[0-9]{1,9}$') { $out[$k] = [int]$v }
                else { Add-TaterError "Parameter '$k' must be a whole number." }
            }
            'string' {
                if (Test-TaterScalar $v) { $out[$k] = [string]$v } else { Add-TaterError "Parameter '$k' must be a string." }
            }
            'string[]' {
                if ($v -is [System.Array]) { $out[$k] = [string[]]@($v | ForEach-Object { [string]$_ }) }
                else { $out[$k] = [string[]]@(([string]$v).Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ }) }
            }
        }
    }
    return $out
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

function Invoke-TaterScript {
    param([string] $Text, [hashtable] $Parameters)
    $block = [scriptblock]::Create($Text)
    Set-StrictMode -Off
    try {
        & $block @Parameters 2>&1 3>$null 6>$null | ForEach-Object { Add-TaterItem $_ }
    }
    catch {
        Add-TaterError ([string]$_.Exception.Message)
    }
}

function Connect-TaterExchange {
    param([bool] $Compliance)
    $appId = Get-TaterSetting 'TaterAppId'
    $org = Get-TaterSetting 'TaterExoOrganization'
    if (-not $appId) { throw 'TaterAppId is not set: the app registration that holds Exchange.ManageAsApp.' }
    if ($org -notmatch '^[A-Za-z0-9-]+\.onmicrosoft\.(com|us|de)$') { throw 'TaterExoOrganization must be the initial domain, e.g. contoso.onmicrosoft.com.' }
    $thumb = Get-TaterCertificateThumbprint
    Import-Module ExchangeOnlineManagement -ErrorAction Stop
    $null = Connect-ExchangeOnline -CertificateThumbprint $thumb -AppId $appId -Organization $org -ShowBanner:$false 6>$null
    if ($Compliance) {
        $ipps = @{ CertificateThumbprint = $thumb; AppId = $appId; Organization = $org }
        if ((Get-Command Connect-IPPSSession).Parameters.ContainsKey('ShowBanner')) { $ipps['ShowBanner'] = $false }
        $null = Connect-IPPSSession @ipps 6>$null
    }
}

try {
    $ok = $true
    if ($RequestId -match $script:GuidPattern) { $script:Result.request_id = $RequestId.ToLowerInvariant() }
    else { Add-TaterError 'RequestId must be a GUID.'; $ok = $false }
    if ($ScriptId.Length -le 64 -and $ScriptId -cmatch $script:ScriptIdPattern -and $script:AreaByPrefix.ContainsKey($ScriptId.Split('-')[0])) { $script:Result.script_id = $ScriptId }
    else { Add-TaterError 'ScriptId is not a valid remediation script id.'; $ok = $false }
    if ($ok) {
        $area = $script:AreaByPrefix[$ScriptId.Split('-')[0]]
        $text = Get-TaterFile "scripts/$area/$ScriptId.ps1"
        if ($null -eq $text) { throw "No remediation script '$ScriptId'." }
        if ($text.Length -gt 0 -and $text[0] -eq [char]0xFEFF) { $text = $text.Substring(1) }
        if ([Text.Encoding]::UTF8.GetByteCount($text) -gt $script:MaxScriptBytes) { throw "Script '$ScriptId' is too large." }
        if ($ScriptSha256 -and ((Get-TaterSha256 $text) -ne $ScriptSha256.ToLowerInvariant())) {
            throw "Script '$ScriptId' changed between the primary runbook's check and this run; start the remediation again."
        }
        $header = Read-TaterHeader $text
        if ($header.id -cne $ScriptId) { throw "The script's header names '$($header.id)', not '$ScriptId'." }
        if ($header.runtime -ne 'exo') { throw "Script '$ScriptId' declares runtime '$($header.runtime)'; this runbook only runs exo scripts." }
        $hits = Find-TaterExoCmdlets $text (Get-TaterExoPatterns)
        if ($hits.Count -eq 0) { throw "Script '$ScriptId' uses no Exchange cmdlet known to exo-cmdlet-patterns.txt." }
        $params = ConvertTo-TaterParameters $header $ParametersJson
        if (@($script:Result.errors).Count -eq 0) {
            Connect-TaterExchange ($hits.ContainsKey('scc'))
            Invoke-TaterScript $text $params
        }
    }
}
catch {
    Add-TaterError ([string]$_.Exception.Message)
}
finally {
    if (Get-Command -Name Disconnect-ExchangeOnline -ErrorAction SilentlyContinue) {
        try { Disconnect-ExchangeOnline -Confirm:$false -ErrorAction SilentlyContinue 6>$null } catch { }
    }
}

Write-TaterResult
if ($script:Result.status -eq 'failed') {
    throw (Protect-TaterText ("Remediation failed: " + (@($script:Result.errors) | Select-Object -First 1)))
}
