{
  description = "prompt-foo: a context compiler with visual canary seals";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  # Parse-checked in CI (nix-instantiate --parse) and evaluated against a stub there;
  # not built in CI, which has no network to nixpkgs.
  outputs = { self, nixpkgs }:
    let
      version = "0.1.0";
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAll = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});

      # The o200k_base and cl100k_base vocabularies ship inside the package (imports/vocab).
      runtimeDeps = pkgs: ps: [
        ps.click ps.rich ps.gitpython ps.tiktoken ps.xxhash
        ps.pyyaml ps.pathspec ps.tomlkit ps.packaging ps.platformdirs ps.jupytext
        # foo-apply's Python airlock and --fit/--compress signatures: the parser and grammars
        ps.tree-sitter ps.tree-sitter-python ps.tree-sitter-javascript ps.tree-sitter-typescript
        ps.tree-sitter-go ps.tree-sitter-rust ps.tree-sitter-java
      ];
      testDeps = ps: [ ps.pytest ps.hypothesis ps.pre-commit ps.build ps.setuptools ];

      # The clipboard tools imports/clipboard.py drives (pbcopy ships with macOS).
      clipboardTools = pkgs: pkgs.lib.optionals pkgs.stdenv.isLinux [ pkgs.wl-clipboard pkgs.xclip pkgs.xsel ];
      # What the editor, clipboard and flake tests start.
      testTools = pkgs: [ pkgs.git pkgs.neovim pkgs.nix ]
        ++ pkgs.lib.optionals pkgs.stdenv.isLinux [ (pkgs.xvfb or pkgs.xorg.xorgserver) ];

      package = pkgs: pkgs.python3Packages.buildPythonApplication {
        pname = "prompt-foo-loom";
        inherit version;
        pyproject = true;
        src = ./.;
        build-system = [ pkgs.python3Packages.setuptools ];
        dependencies = runtimeDeps pkgs pkgs.python3Packages;
        # The clipboard tools are found on PATH at run time.
        makeWrapperArgs = [ "--prefix" "PATH" ":" (pkgs.lib.makeBinPath (clipboardTools pkgs)) ];
        doCheck = false;
      };

      app = pkgs: name: {
        type = "app";
        program = "${package pkgs}/bin/${name}";
      };
    in {
      packages = forAll (pkgs: { default = package pkgs; prompt-foo = package pkgs; });

      apps = forAll (pkgs: {
        default = app pkgs "prompt-foo";
        prompt-foo = app pkgs "prompt-foo";
        foo-apply = app pkgs "foo-apply";
        foo-release = app pkgs "foo-release";
      });

      devShells = forAll (pkgs: {
        default = pkgs.mkShell {
          packages = [
            (pkgs.python3.withPackages (ps: runtimeDeps pkgs ps ++ testDeps ps))
          ] ++ clipboardTools pkgs ++ testTools pkgs;
          # The loop, from any repository, running this checkout's code:
          #   foo "intent"   compile a book of the current repository onto the clipboard
          #   app            apply the reply on the clipboard; appdry checks it, appundo undoes it
          #   fooh           the compiler's help; d shows what changed
          shellHook = ''
            export PROMPT_FOO_ROOT="$PWD"
            alias foo='python "$PROMPT_FOO_ROOT/prompt_foo.py"'
            alias fooh='python "$PROMPT_FOO_ROOT/prompt_foo.py" --help'
            alias app='python "$PROMPT_FOO_ROOT/apply.py" --clipboard'
            alias appdry='python "$PROMPT_FOO_ROOT/apply.py" --clipboard --dry-run'
            alias appundo='python "$PROMPT_FOO_ROOT/apply.py" --undo'
            alias release='python "$PROMPT_FOO_ROOT/release.py"'
            alias d='git --no-pager diff'
            echo "prompt-foo ${version} dev shell: foo, app, appdry, appundo, d (see README: the loop)"
          '';
        };
      });
    };
}
