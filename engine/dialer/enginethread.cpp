#include "enginethread.h"

#include "engine.h"

namespace Dialdeck {

using namespace Qt::StringLiterals;

EngineThread::EngineThread(const EngineSettings &settings)
    : m_engine(new Engine(settings))
{
    m_thread.setObjectName(u"dialdeck-engine"_s);
    m_engine->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_engine, &QObject::deleteLater);
}

EngineThread::~EngineThread()
{
    if (m_thread.isRunning()) {
        Engine *engine = m_engine;
        QMetaObject::invokeMethod(engine, [engine] { engine->shutDown(); },
                                  Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    } else {
        delete m_engine;
    }
}

void EngineThread::start()
{
    m_thread.start();
    Engine *engine = m_engine;
    QMetaObject::invokeMethod(engine, [engine] { engine->open(); }, Qt::QueuedConnection);
}

} // namespace Dialdeck
