// Facts about one TypeScript declaration file, as JSON on stdout, for
// ipycallback_codegen/read/typescript.py, which judges them:
// - diagnostics: the TypeScript compiler's errors;
// - decls: every top-level statement in order, with its line, its JSDoc tag names and, for
//   interfaces and type aliases, the syntax of each type (typescript-json-schema folds
//   `int` into `number` inside arrays and records, so the syntax is what tells them apart);
// - definitions: typescript-json-schema's schema, read through its programmatic API (its
//   command line sorts properties), which supplies descriptions, defaults, constraints
//   and enum values from the JSDoc.
// Usage: node ts_to_schema.mjs <directory holding node_modules> <declaration.ts>
import { createRequire } from "node:module";
import path from "node:path";

const [projectDir, file] = process.argv.slice(2);
const require = createRequire(path.join(projectDir, "package.json"));
const TJS = require("typescript-json-schema");
const ts = TJS.ts;
// typescript-json-schema may log; stdout carries only the JSON answer.
console.log = console.error;

// No @types packages: a declaration uses no ambient types, and a broken one elsewhere in the
// project must not block it.
const program = TJS.getProgramFromFiles([file], {
  strictNullChecks: true,
  skipLibCheck: true,
  noEmit: true,
  types: [],
});
program.getTypeChecker(); // binds the file, which JSDoc look-ups need
const source = program.getSourceFile(file);
const lineOf = (node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;

function diagnostic(d) {
  const where =
    d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
  return {
    file: d.file ? d.file.fileName : null,
    line: where ? where.line + 1 : null,
    message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  };
}

function tags(node) {
  return ts.getJSDocTags(node).map((tag) => {
    const comment = ts.getTextOfJSDocComment(tag.comment) ?? "";
    // `@items.minimum 0` parses as the tag `items` with the comment `.minimum 0`.
    const suffix = comment.startsWith(".") ? comment.split(/\s/)[0] : "";
    return tag.tagName.text + suffix;
  });
}

function hasDoc(node) {
  return ts
    .getJSDocCommentsAndTags(node)
    .some((doc) => ts.isJSDoc(doc) && (ts.getTextOfJSDocComment(doc.comment) ?? "").trim() !== "");
}

function literal(node) {
  const lit = node.literal;
  if (ts.isStringLiteral(lit) || ts.isNoSubstitutionTemplateLiteral(lit)) return lit.text;
  if (ts.isNumericLiteral(lit)) return Number(lit.text);
  if (ts.isPrefixUnaryExpression(lit) && lit.operator === ts.SyntaxKind.MinusToken) {
    return -Number(lit.operand.getText(source));
  }
  if (lit.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (lit.kind === ts.SyntaxKind.FalseKeyword) return false;
  return undefined;
}

function typeOf(node) {
  const line = lineOf(node);
  const K = ts.SyntaxKind;
  switch (node.kind) {
    case K.ParenthesizedType:
      return typeOf(node.type);
    case K.LiteralType: {
      if (node.literal.kind === K.NullKeyword) return { k: "keyword", name: "null", line };
      const value = literal(node);
      if (value !== undefined) return { k: "literal", value, line };
      break;
    }
    case K.TypeReference:
      return {
        k: "ref",
        name: node.typeName.getText(source),
        args: (node.typeArguments ?? []).map(typeOf),
        line,
      };
    case K.ArrayType:
      return { k: "array", items: typeOf(node.elementType), line };
    case K.TupleType:
      if (node.elements.every((e) => !ts.isNamedTupleMember(e) && !ts.isOptionalTypeNode(e) && !ts.isRestTypeNode(e))) {
        return { k: "tuple", items: node.elements.map(typeOf), line };
      }
      break;
    case K.UnionType:
      return { k: "union", types: node.types.map(typeOf), line };
    case K.TypeOperator:
      if (node.operator === K.ReadonlyKeyword) return typeOf(node.type);
      break;
    case K.TypeLiteral: {
      const [only] = node.members;
      if (node.members.length === 1 && ts.isIndexSignatureDeclaration(only) && only.type) {
        return {
          k: "index",
          key: typeOf(only.parameters[0].type),
          value: typeOf(only.type),
          line,
        };
      }
      break;
    }
    default:
      if (ts.isToken(node) && ts.tokenToString(node.kind)) {
        return { k: "keyword", name: ts.tokenToString(node.kind), line };
      }
  }
  return { k: "unsupported", text: node.getText(source).slice(0, 80), line };
}

function memberOf(member) {
  const line = lineOf(member);
  const name = member.name;
  const named =
    name && (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name));
  if (!ts.isPropertySignature(member) || !named || !member.type) {
    return { name: null, text: member.getText(source).slice(0, 80), line };
  }
  return {
    name: name.text,
    line,
    optional: Boolean(member.questionToken),
    doc: hasDoc(member),
    tags: tags(member),
    type: typeOf(member.type),
  };
}

function declOf(statement) {
  const line = lineOf(statement);
  const base = { name: statement.name ? statement.name.getText(source) : null, line };
  if (ts.isInterfaceDeclaration(statement)) {
    return {
      ...base,
      kind: "interface",
      tags: tags(statement),
      unsupported: statement.heritageClauses
        ? "extends"
        : statement.typeParameters
          ? "type parameters"
          : null,
      members: statement.members.map(memberOf),
    };
  }
  if (ts.isEnumDeclaration(statement)) return { ...base, kind: "enum", tags: tags(statement) };
  if (ts.isTypeAliasDeclaration(statement)) {
    return {
      ...base,
      kind: "alias",
      tags: tags(statement),
      unsupported: statement.typeParameters ? "type parameters" : null,
      type: typeOf(statement.type),
    };
  }
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.map((d) => {
      let init = d.initializer;
      while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init))) {
        init = init.expression;
      }
      const text = init && ts.isStringLiteral(init) ? init.text : null;
      return { kind: "const", name: d.name.getText(source), line: lineOf(d), value: text };
    });
  }
  return { ...base, kind: "other", text: statement.getText(source).split("\n")[0].slice(0, 80) };
}

const answer = { diagnostics: [], decls: [], definitions: {}, tjsError: null };
answer.diagnostics = ts
  .getPreEmitDiagnostics(program)
  .filter((d) => d.category === ts.DiagnosticCategory.Error && (!d.file || d.file === source))
  .map(diagnostic);
if (answer.diagnostics.length === 0) {
  answer.decls = source.statements.flatMap(declOf);
  const names = answer.decls
    .filter((d) => ["interface", "enum", "alias"].includes(d.kind) && !d.unsupported)
    .map((d) => d.name);
  try {
    const generator = TJS.buildGenerator(program, {
      required: true,
      strictNullChecks: true,
      ref: true,
      aliasRef: false,
      topRef: false,
      titles: false,
      ignoreErrors: true,
    }, [file]);
    answer.definitions = generator.getSchemaForSymbols(names).definitions ?? {};
  } catch (error) {
    answer.tjsError = String(error && error.message ? error.message : error);
    // Which declaration it could not read, so that the error can point at its line.
    answer.tjsErrorName = names.find((name) => {
      try {
        TJS.buildGenerator(program, { required: true, ref: true, ignoreErrors: true }, [file])
          .getSchemaForSymbols([name]);
        return false;
      } catch {
        return true;
      }
    }) ?? null;
  }
}
process.stdout.write(JSON.stringify(answer));
