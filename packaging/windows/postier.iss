; Inno Setup script for Postier on Windows: a per-user install (no administrator rights),
; a Start-menu entry, an optional desktop icon and an uninstaller.
;
; Build on a Windows runner, from the repository root, after the PyInstaller bundle:
;   pyinstaller --noconfirm --clean --distpath packaging\dist --workpath packaging\build packaging\postier.spec
;   iscc /DAppVersion=0.1.0 packaging\windows\postier.iss
; With the organisation's sign-in configuration (client IDs, tenant; see docs/oauth.md):
;   iscc /DAppVersion=0.1.0 /DConfigFile=C:\it\postier.toml packaging\windows\postier.iss
; (take the version from pyproject.toml, e.g. in PowerShell:
;   $v = python -c "import tomllib;print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])")
; Output: packaging\dist\postier-<version>-setup.exe

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Postier"
#define AppExe "Postier.exe"
#define CliExe "postier-cli.exe"
#define BundleDir "..\dist\postier"

[Setup]
; A fixed AppId ties upgrades and the uninstaller to the same installation: never change it.
AppId={{6F0F2A52-5C1B-4C0E-9B7B-2D6B1F4E8A31}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Postier
VersionInfoVersion={#AppVersion}
; Per-user: installs under %LOCALAPPDATA%\Programs, no UAC prompt (small-business users often
; have no administrator account). The user may still choose "for all users" in the dialog.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
SetupIconFile=postier.ico
OutputDir=..\dist
OutputBaseFilename=postier-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Postier must be closed before files are replaced.
CloseApplications=yes

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder bundle: Postier.exe (GUI), postier-cli.exe (command line), _internal\.
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
#ifdef ConfigFile
; The distributor's app registrations (iscc /DConfigFile=C:\path\postier.toml): beside
; Postier.exe, where Postier looks last (docs/oauth.md): %PROGRAMDATA%\Postier overrides it.
Source: "{#ConfigFile}"; DestDir: "{app}"; DestName: "postier.toml"; Flags: ignoreversion
#endif

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; User data (%LOCALAPPDATA%\Postier: the SQLite file) and keyring entries are kept on uninstall,
; so a reinstall finds the accounts again. Removing them is the user's choice, in the app.
