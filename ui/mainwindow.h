#pragma once

#include <QtWidgets/QMainWindow>

/** The FusionScope main window (GUI thread). */
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    /** Opens `path` if given, else the last dataset, else the demo dataset. */
    void openInitialDataset(const QString &path = {});
};
