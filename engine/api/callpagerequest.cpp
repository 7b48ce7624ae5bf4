#include "callpagerequest.h"

#include <QCoreApplication>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::CallPageRequest", text);
}

Error invalid(const QString &message)
{
    return Error{u"invalid_argument"_s, message};
}

QString statusNames()
{
    QStringList names;
    for (int i = 0; i < CallStatusCount; ++i)
        names.append(toString(CallStatus(i)));
    return names.join(u", "_s);
}

} // namespace

Result<CallPageRequest> CallPageRequest::parse(const QUrlQuery &query)
{
    const QStringList known = {u"status"_s, u"limit"_s, u"offset"_s};
    for (const auto &[name, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (!known.contains(name)) {
            return invalid(tr("The query parameter \"%1\" is unknown; use status, limit and "
                              "offset.")
                               .arg(name.left(64)));
        }
    }

    CallPageRequest page;
    const auto value = [&query](const QString &name) -> QString {
        return query.queryItemValue(name, QUrl::FullyDecoded);
    };

    if (query.hasQueryItem(u"status"_s) && !value(u"status"_s).isEmpty()) {
        page.status = callStatusFromString(value(u"status"_s));
        if (!page.status) {
            return invalid(tr("The status \"%1\" is unknown; use one of %2.")
                               .arg(value(u"status"_s).left(64), statusNames()));
        }
    }

    if (query.hasQueryItem(u"limit"_s)) {
        bool ok = false;
        page.limit = value(u"limit"_s).toInt(&ok);
        if (!ok || page.limit < 1 || page.limit > MaxLimit) {
            return invalid(tr("The limit \"%1\" is not a whole number from 1 to %2.")
                               .arg(value(u"limit"_s).left(64))
                               .arg(MaxLimit));
        }
    }

    if (query.hasQueryItem(u"offset"_s)) {
        bool ok = false;
        page.offset = value(u"offset"_s).toLongLong(&ok);
        if (!ok || page.offset < 0) {
            return invalid(tr("The offset \"%1\" is not a whole number of 0 or more.")
                               .arg(value(u"offset"_s).left(64)));
        }
    }
    return page;
}

} // namespace Dialdeck
