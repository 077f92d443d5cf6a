; Inno Setup script for the Windows installer of fieldnotes (docs/packaging.md).
;
; Built from the folder PyInstaller leaves in dist\fieldnotes (packaging\fieldnotes.spec), from
; the repository root, with the version read from pyproject.toml:
;
;   iscc /DAppVersion=0.1.0 packaging\windows\fieldnotes.iss
;
; It writes dist\fieldnotes-VERSION-windows-setup.exe. The installer puts the app in the
; Start menu, offers a desktop icon, and lists fieldnotes under "Open with" for .json files so
; that an export (name.fieldnotes.json) can be imported with a double click or from that menu.

#ifndef AppVersion
  #error Pass the version from pyproject.toml: iscc /DAppVersion=X.Y.Z packaging\windows\fieldnotes.iss
#endif

#define AppName "fieldnotes"
#define AppExe "fieldnotes-app.exe"
#define CommandExe "fieldnotes.exe"
#define ProgId "fieldnotes.export"

[Setup]
; The id identifies the app across versions (upgrades, uninstall): never change it.
AppId={{5C3B8A0E-6F2D-4B7C-9E1A-2D84F0C7A913}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The fieldnotes developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Installs for the current user without administrator rights, or for everyone when allowed.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SourceDir=..\..
OutputDir=dist
OutputBaseFilename={#AppName}-{#AppVersion}-windows-setup
SetupIconFile=packaging\windows\fieldnotes.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "dist\fieldnotes\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Offline notebook for field visits"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; Windows knows a file's type by its last extension only (".json" for "visits.fieldnotes.json"),
; so fieldnotes is offered for .json files beside the program that opens them, never instead.
Root: HKA; Subkey: "Software\Classes\.json\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "fieldnotes export"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
; Opening such a file imports it into the notebook in the user's data folder (`fieldnotes import`:
; all or nothing, and importing the same file twice duplicates nothing), in a console window
; that shows the outcome until a key is pressed.
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open"; ValueType: string; ValueName: ""; ValueData: "Import into fieldnotes"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{cmd}"" /c """"{app}\{#CommandExe}"" import ""%1"" & pause"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
