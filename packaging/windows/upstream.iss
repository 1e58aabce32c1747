; Upstream for Windows: Inno Setup 6 recipe over the PyInstaller bundle (dist\upstream).
; Build:   iscc /DAppVersion=0.1.0 packaging\windows\upstream.iss   -> dist\UpstreamSetup-0.1.0.exe
; Silent install for IT (machine-wide, no questions, optional server address):
;   UpstreamSetup-0.1.0.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /SERVERURL=https://sync.example.org
;   (/SILENT shows progress only). /SERVERURL writes %PROGRAMDATA%\Upstream\policy.toml with
;   the address enforced; /ENROLMENTREQUIRED=1 adds "sync.enrolment_required" = true.
;   Without /SERVERURL no policy file is written or changed.
; Signing: the workflow passes /DSignTool=... (see docs/deployment.md, "Code signing").

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{5C6E3A51-9B0D-4C36-A7A5-4E2B5F0D7C11}
AppName=Upstream
AppVersion={#AppVersion}
AppPublisher=Upstream
DefaultDirName={autopf}\Upstream
DefaultGroupName=Upstream
; machine-wide: every user of the PC, installed by IT
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=UpstreamSetup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\UpstreamApp.exe
; Scripts call "C:\Program Files\Upstream\upstream.exe" (not added to PATH: nothing to undo)
DisableProgramGroupPage=yes
#ifdef SignTool
SignTool={#SignTool}
SignedUninstaller=yes
#endif

[Files]
Source: "..\..\dist\upstream\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Upstream"; Filename: "{app}\UpstreamApp.exe"

[Run]
; The same self-test as on Linux; a failed install check is visible in the log (/LOG=file).
Filename: "{app}\upstream.exe"; Parameters: "--self-test"; Flags: runhidden waituntilterminated; \
  StatusMsg: "Checking the installation..."

[UninstallDelete]
; The program folder only. Each person's data (%LOCALAPPDATA%\upstream) and the machine
; policy (%PROGRAMDATA%\Upstream\policy.toml, owned by IT) stay.
Type: filesandordirs; Name: "{app}"

[Code]
{ The address must be a plain http(s) URL: it goes into a TOML string unescaped. }
function ValidServerUrl(Url: string): Boolean;
begin
  Result := ((Pos('https://', Url) = 1) or (Pos('http://', Url) = 1))
    and (Pos('"', Url) = 0) and (Pos('\', Url) = 0) and (Pos(#10, Url) = 0);
end;

function InitializeSetup(): Boolean;
var
  Url: string;
begin
  Url := ExpandConstant('{param:SERVERURL|}');
  Result := (Url = '') or ValidServerUrl(Url);
  if not Result then
    SuppressibleMsgBox('SERVERURL must start with https:// (or http://) and contain no quotes: '
      + Url, mbError, MB_OK, IDOK);
end;

{ %PROGRAMDATA%\Upstream\policy.toml: the machine policy the app reads (desktop/config). }
procedure WritePolicy(Url: string);
var
  Lines: string;
begin
  Lines := '# Written by the Upstream installer (/SERVERURL). IT may edit or replace it.' + #13#10
    + '[enforced]' + #13#10
    + '"sync.server_url" = "' + Url + '"' + #13#10;
  if ExpandConstant('{param:ENROLMENTREQUIRED|0}') = '1' then
    Lines := Lines + '"sync.enrolment_required" = true' + #13#10;
  ForceDirectories(ExpandConstant('{commonappdata}\Upstream'));
  if not SaveStringToFile(ExpandConstant('{commonappdata}\Upstream\policy.toml'), Lines, False) then
    RaiseException('Cannot write the machine policy file.');
end;

procedure CurStepChanged(CurStep: TSetupStep);
var
  Url: string;
begin
  if CurStep = ssPostInstall then
  begin
    Url := ExpandConstant('{param:SERVERURL|}');
    if Url <> '' then
      WritePolicy(Url);
  end;
end;
