/**
 * Which environment variables a run request may set (docs/security.md: no environment variable that
 * changes how a program starts or loads code).
 *
 * Two lists decide. The deployment's allow-list (`SKIFF_OVERRIDE_ENV_ALLOW`, name globs) says which names a
 * request may set at all. The hard deny-list below wins whatever the allow-list says: an environment variable
 * that makes a shell, the dynamic loader or an interpreter read, load or run something else turns "change a
 * setting" into "run my code inside every step" (e.g. `BASH_ENV=/dev/stdin`, `LD_PRELOAD`, `NODE_OPTIONS=
 * --require`, `PYTHONWARNINGS` importing a module, `GIT_CONFIG_*` setting `core.sshCommand`).
 *
 * Sources: glibc's `UNSECURE_ENVVARS` (sysdeps/generic/unsecvars.h: what the loader drops for set-uid
 * programs), sudo's default `env_delete` table, and the interpreters' and tools' own manuals (bash, zsh, ksh,
 * Node.js, Python, Perl, Ruby, Java, .NET, PHP, Lua, R, Go, git, OpenSSL, npm, pip). Matching ignores case:
 * some readers (npm, Windows) do, and no legitimate override differs from a denied name only by case.
 */

/** Globs (`*` = any run of characters) of names refused whatever the deployment allows. */
export const DENIED_ENV_NAMES: readonly string[] = [
  // The dynamic loader (glibc, musl, macOS, AIX, HP-UX, IRIX) and glibc's other unsecure variables.
  "LD_*",
  "DYLD_*",
  "_RLD*",
  "LDR_*",
  "LIBPATH",
  "SHLIB_PATH",
  "GCONV_PATH",
  "GETCONF_DIR",
  "GLIBC_TUNABLES",
  "HOSTALIASES",
  "LOCALDOMAIN",
  "LOCPATH",
  "MALLOC_*",
  "NIS_PATH",
  "NLSPATH",
  "PATH_LOCALE",
  "RESOLV_HOST_CONF",
  "RES_OPTIONS",
  "TMPDIR",
  "TZDIR",
  // Where programs are found, and what a program runs as its shell, editor or pager.
  "PATH",
  "SHELL",
  "EDITOR",
  "VISUAL",
  "PAGER",
  "MANPAGER",
  "BROWSER",
  "LESSOPEN",
  "LESSCLOSE",
  "SSH_ASKPASS*",
  "SUDO_ASKPASS",
  "HOME",
  "XDG_CONFIG_HOME",
  "XDG_CONFIG_DIRS",
  "TERMINFO",
  "TERMINFO_DIRS",
  "TERMPATH",
  "TERMCAP",
  // Shells: files sourced at start, options, prompts expanded under xtrace, word splitting, exported functions.
  "BASH_ENV",
  "ENV",
  "SHELLOPTS",
  "BASHOPTS",
  "BASH_FUNC_*",
  "BASH_XTRACEFD",
  "BASH_LOADABLES_PATH",
  "BASH_COMPAT",
  "POSIXLY_CORRECT",
  "PS0",
  "PS1",
  "PS2",
  "PS3",
  "PS4",
  "PROMPT_COMMAND",
  "IFS",
  "CDPATH",
  "GLOBIGNORE",
  "EXECIGNORE",
  "FPATH",
  "ZDOTDIR",
  "NULLCMD",
  "READNULLCMD",
  "TMPPREFIX",
  "INPUTRC",
  // Node.js and npm.
  "NODE_OPTIONS",
  "NODE_PATH",
  "NODE_REPL_EXTERNAL_MODULE",
  "NODE_COMPILE_CACHE",
  "NODE_ICU_DATA",
  "NODE_PRESERVE_SYMLINKS*",
  "NODE_EXTRA_CA_CERTS",
  "NODE_TLS_REJECT_UNAUTHORIZED",
  "NODE_V8_COVERAGE",
  "NODE_REDIRECT_WARNINGS",
  "NPM_CONFIG_*",
  "COREPACK_*",
  // Python (every PYTHON* changes start-up: PYTHONSTARTUP, PYTHONWARNINGS and PYTHONBREAKPOINT import code),
  // and the installers Skiff's Python steps run.
  "PYTHON*",
  "PIP_*",
  "UV_*",
  // Perl, Ruby, PHP, Lua, Tcl, R.
  "PERL5*",
  "PERLLIB",
  "PERLIO_DEBUG",
  "PERL_MB_OPT",
  "PERL_MM_OPT",
  "RUBYOPT",
  "RUBYLIB",
  "RUBYPATH",
  "RUBYSHELL",
  "GEM_HOME",
  "GEM_PATH",
  "BUNDLE_GEMFILE",
  "PHPRC",
  "PHP_INI_SCAN_DIR",
  "LUA_INIT*",
  "LUA_PATH*",
  "LUA_CPATH*",
  "TCLLIBPATH",
  "R_PROFILE*",
  "R_ENVIRON*",
  "R_LIBS*",
  // The JVM and its build tools.
  "JAVA_TOOL_OPTIONS",
  "_JAVA_OPTIONS",
  "JDK_JAVA_OPTIONS",
  "JAVA_OPTS",
  "JAVA_HOME",
  "CLASSPATH",
  "MAVEN_OPTS",
  "GRADLE_OPTS",
  // .NET start-up hooks and profilers.
  "DOTNET_STARTUP_HOOKS",
  "DOTNET_ADDITIONAL_DEPS",
  "DOTNET_SHARED_STORE",
  "CORECLR_*",
  "COR_ENABLE_PROFILING",
  "COR_PROFILER*",
  // Go: -toolexec in GOFLAGS, toolchain downloads, another GOROOT.
  "GOFLAGS",
  "GOTOOLCHAIN",
  "GOROOT",
  "GOENV",
  // git runs hooks, ssh and helpers named by its configuration, which GIT_CONFIG_* and GIT_DIR can set.
  "GIT_*",
  // OpenSSL loads engines and providers named by its configuration.
  "OPENSSL_CONF",
  "OPENSSL_ENGINES",
  "OPENSSL_MODULES",
  // Argo's executor runs inside the main container and takes its template and behaviour from ARGO_*.
  "ARGO_*",
];

/** A name glob as a regular expression; names and globs hold only [A-Za-z0-9_] and `*`. */
function globRegex(glob: string, flags: string): RegExp {
  const source = glob
    .split("*")
    .map((part) => part.replace(/[^A-Za-z0-9_]/g, ""))
    .join(".*");
  return new RegExp(`^${source}$`, flags);
}

const denied = DENIED_ENV_NAMES.map((glob) => ({ glob, regex: globRegex(glob, "i") }));

/** The deny-list entry `name` matches (e.g. `LD_*`), or undefined when the name is not denied. */
export function deniedEnvName(name: string): string | undefined {
  return denied.find((d) => d.regex.test(name))?.glob;
}

/** A valid allow-list glob: an environment variable name in which `*` stands for any run of characters. */
export const ENV_GLOB = /^[A-Za-z_*][A-Za-z0-9_*]*$/;

/** Whether `name` matches one of the deployment's allow-list globs (case-sensitive, as Linux names are). */
export function envNameAllowed(name: string, allowList: readonly string[]): boolean {
  return allowList.some((glob) => ENV_GLOB.test(glob) && globRegex(glob, "").test(name));
}

/**
 * Why a request may not set `name`, or undefined when it may: the deny-list first, then the allow-list.
 * `allowList` is the deployment's (`SKIFF_OVERRIDE_ENV_ALLOW`).
 */
export function envNameProblem(name: string, allowList: readonly string[]): string | undefined {
  const rule = deniedEnvName(name);
  if (rule !== undefined) {
    return `${name} changes how programs start or load code (${rule}); it cannot be overridden`;
  }
  if (!envNameAllowed(name, allowList)) {
    const allowed = allowList.length ? allowList.join(", ") : "none";
    return `${name} is not on the deployment's allow-list of overridable variables (SKIFF_OVERRIDE_ENV_ALLOW: ${allowed})`;
  }
  return undefined;
}
