#include "signaturecommand.h"

#include "carrier/formparams.h"
#include "carrier/plivosignature.h"
#include "exitcodes.h"
#include "servicecommands.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QTextStream>
#include <QUrl>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Plivo's auth tokens in its published examples have 40 characters, so a
// bigger file is not a token file.
constexpr qint64 MaxTokenFileSize = 4096;

// The exit code of a signature that does not match. It equals ExitCode::Usage,
// and --help documents that both share 1.
constexpr int SignatureMismatch = 1;

// The error code of a command-line mistake, which exits with ExitCode::Usage.
const QString usageCode = u"usage"_s;

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::SignatureCommand", text);
}

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

int fail(const Error &error)
{
    const int exitCode =
        error.code == usageCode ? ExitCode::Usage : ServiceCommands::exitCodeFor(error.code);
    return ServiceCommands::fail(exitCode, error.message);
}

// The request whose signature is computed, as given on the command line.
struct SignatureInput
{
    bool v2 = false;
    QByteArray method;
    QString url;
    PlivoSignature::Params params;
    QString nonce;
    QString tokenFile;
    QByteArray signature; // empty when --signature was not given
};

void addOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
        tr("Computes the signature Plivo puts on a callback and prints the exact string that is "
           "signed, to explain why a webhook was rejected.\n"
           "  webhook-signature --url URL --nonce NONCE --token-file FILE\n"
           "                    [--version v3|v2] [--method POST|GET]\n"
           "                    [--param KEY=VALUE ...] [--body FORM] [--signature SIG]\n"
           "Exit codes: 0 the signature matches, or no --signature was given; 1 it does not "
           "match, or the command line is invalid (the usage code of every dialdeck-service "
           "command); 2 the token file, URL or body cannot be used."));
    parser.addOptions({
        {u"version"_s,
         tr("The signature version: v3 (header X-Plivo-Signature-V3) or v2 "
            "(X-Plivo-Signature-V2). Default: v3."),
         u"v3|v2"_s, u"v3"_s},
        {u"method"_s,
         tr("The HTTP method of the callback, POST or GET. Default: POST. Used "
            "by v3 only."),
         u"METHOD"_s, u"POST"_s},
        {u"url"_s, tr("The exact public URL Plivo called, with its query string."), u"URL"_s},
        {u"param"_s,
         tr("One form field of the callback body, decoded; repeat for each field. "
            "For a GET callback the fields are in the URL's query instead."),
         u"KEY=VALUE"_s},
        {u"body"_s,
         tr("The callback body as received, application/x-www-form-urlencoded; "
            "its fields are added to the --param ones."),
         u"FORM"_s},
        {u"nonce"_s, tr("The value of the X-Plivo-Signature-V3-Nonce (or -V2-Nonce) header."),
         u"NONCE"_s},
        {u"token-file"_s,
         tr("A file containing only the Plivo auth token; one trailing "
            "newline is ignored. The token is never printed."),
         u"FILE"_s},
        {u"signature"_s,
         tr("The signature header value to check; it may list several "
            "signatures separated by commas."),
         u"SIG"_s},
    });
}

Error usageError(const QString &message)
{
    return Error{usageCode, message};
}

Result<PlivoSignature::Params> readParams(const QCommandLineParser &parser)
{
    PlivoSignature::Params params;
    for (const QString &pair : parser.values(u"param"_s)) {
        const qsizetype equals = pair.indexOf(u'=');
        if (equals <= 0) {
            return usageError(tr("--param \"%1\" is not KEY=VALUE; write it as, for example, "
                                 "--param CallUUID=abc.")
                                  .arg(pair));
        }
        params.append({pair.left(equals), pair.mid(equals + 1)});
    }

    if (parser.isSet(u"body"_s)) {
        Result<PlivoSignature::Params> body = FormParams::parse(parser.value(u"body"_s).toUtf8());
        if (!body)
            return Error{u"invalid_argument"_s, tr("--body: %1").arg(body.error().message)};
        params.append(*body);
    }
    return params;
}

Result<void> checkUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    const bool web = url.scheme() == u"http" || url.scheme() == u"https";
    if (url.isValid() && web && !url.host().isEmpty())
        return {};

    return Error{u"invalid_argument"_s,
                 tr("The URL \"%1\" is not an http or https URL; give the full public URL Plivo "
                    "called, such as https://dialer.example.com/plivo/answer?attempt=12.")
                     .arg(text)};
}

Result<SignatureInput> readInput(const QCommandLineParser &parser)
{
    for (const QString &required : {u"url"_s, u"nonce"_s, u"token-file"_s}) {
        if (!parser.isSet(required))
            return usageError(tr("--%1 is missing; see webhook-signature --help.").arg(required));
    }

    SignatureInput input;
    const QString version = parser.value(u"version"_s).toLower();
    if (version != u"v3" && version != u"v2")
        return usageError(tr("--version \"%1\" is unknown; use v3 or v2.").arg(version));
    input.v2 = version == u"v2";

    input.method = parser.value(u"method"_s).toUpper().toUtf8();
    if (input.method != "POST" && input.method != "GET") {
        return usageError(tr("--method \"%1\" is not POST or GET.").arg(parser.value(u"method"_s)));
    }

    input.url = parser.value(u"url"_s);
    if (Result<void> url = checkUrl(input.url); !url)
        return url.error();

    Result<PlivoSignature::Params> params = readParams(parser);
    if (!params)
        return params.error();
    input.params = std::move(*params);

    input.nonce = parser.value(u"nonce"_s);
    if (input.nonce.isEmpty())
        return usageError(tr("--nonce is empty; copy the nonce header of the request."));

    input.tokenFile = parser.value(u"token-file"_s);
    input.signature = parser.value(u"signature"_s).toUtf8();
    if (parser.isSet(u"signature"_s) && input.signature.trimmed().isEmpty())
        return usageError(tr("--signature is empty; copy the signature header of the request."));
    return input;
}

// Reads the token and removes one trailing newline ("\n" or "\r\n"), so a
// file written by `echo` contains the same token as one written without it.
Result<QByteArray> readTokenFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error{u"invalid_argument"_s,
                     tr("The token file %1 cannot be read: %2").arg(path, file.errorString())};
    }

    QByteArray token = file.read(MaxTokenFileSize + 1);
    if (token.size() > MaxTokenFileSize) {
        return Error{u"invalid_argument"_s,
                     tr("The token file %1 is larger than %2 bytes; it must contain only the "
                        "auth token.")
                         .arg(path)
                         .arg(MaxTokenFileSize)};
    }
    if (token.endsWith("\r\n"))
        token.chop(2);
    else if (token.endsWith('\n'))
        token.chop(1);

    if (token.isEmpty()) {
        return Error{u"invalid_argument"_s,
                     tr("The token file %1 is empty; write the auth token into it.").arg(path)};
    }

    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::ReadOther;
    if (file.permissions() & others) {
        err() << tr("dialdeck-service: warning: other users can read the token file %1; run "
                    "chmod 600 %1.")
                     .arg(path)
              << Qt::endl;
    }
    return token;
}

void warnAboutIgnoredOptions(const QCommandLineParser &parser)
{
    if (parser.isSet(u"method"_s) || parser.isSet(u"param"_s) || parser.isSet(u"body"_s)) {
        err() << tr("dialdeck-service: note: a V2 signature covers only the URL without its "
                    "query and the nonce, so --method, --param and --body are ignored.")
              << Qt::endl;
    }
}

void printMismatchHelp()
{
    out() << tr("Check, in this order:\n"
                "  - the URL: it must be the public URL Plivo called, with the same scheme, "
                "host, port, path (a trailing slash counts) and query. Behind a proxy that is "
                "the proxy's address, not the service's own.\n"
                "  - the token: X-Plivo-Signature-V3 is keyed with the auth token of the account "
                "or subaccount that owns the call, X-Plivo-Signature-Ma-V3 with the main "
                "account's token.\n"
                "  - the nonce: it must come from the same request as the signature.\n"
                "  - the parameters: every form field of the request, decoded once, none added "
                "or left out.\n");
}

} // namespace

int SignatureCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    addOptions(parser);
    const QCommandLineOption help({u"h"_s, u"help"_s}, tr("Shows this help."));
    parser.addOption(help);

    if (!parser.parse(arguments))
        return ServiceCommands::fail(ExitCode::Usage, parser.errorText() + u"; see --help."_s);
    if (parser.isSet(help)) {
        out() << parser.helpText();
        return ExitCode::Ok;
    }
    if (parser.positionalArguments().size() > 1) {
        return ServiceCommands::fail(ExitCode::Usage,
                                     tr("Unexpected argument \"%1\"; see webhook-signature "
                                        "--help.")
                                         .arg(parser.positionalArguments().at(1)));
    }

    Result<SignatureInput> input = readInput(parser);
    if (!input)
        return fail(input.error());
    Result<QByteArray> token = readTokenFile(input->tokenFile);
    if (!token)
        return fail(token.error());

    QByteArray signedString;
    QByteArray computed;
    bool matches = false;
    if (input->v2) {
        warnAboutIgnoredOptions(parser);
        signedString = PlivoSignature::signedStringV2(input->url, input->nonce);
        computed = PlivoSignature::computeV2(*token, input->url, input->nonce);
        matches = PlivoSignature::verifyV2(*token, input->url, input->nonce, input->signature);
    } else {
        signedString =
            PlivoSignature::signedStringV3(input->method, input->url, input->params, input->nonce);
        computed = PlivoSignature::computeV3(*token, input->method, input->url, input->params,
                                             input->nonce);
        matches = PlivoSignature::verifyV3(*token, input->method, input->url, input->params,
                                           input->nonce, input->signature);
    }

    out() << tr("Signed string (%1, %2 bytes):")
                 .arg(input->v2 ? u"V2"_s : QString(u"V3 "_s + QString::fromLatin1(input->method)))
                 .arg(signedString.size())
          << '\n'
          << QString::fromUtf8(signedString) << '\n'
          << tr("Computed signature: %1").arg(QString::fromLatin1(computed)) << '\n';

    if (input->signature.isEmpty()) {
        out().flush();
        return ExitCode::Ok;
    }

    out() << tr("Given signature:    %1").arg(QString::fromUtf8(input->signature)) << '\n';
    if (matches) {
        out() << tr("Result: the signature matches.") << Qt::endl;
        return ExitCode::Ok;
    }
    out() << tr("Result: the signature does not match.") << '\n';
    printMismatchHelp();
    out().flush();
    return SignatureMismatch;
}

} // namespace Dialdeck
