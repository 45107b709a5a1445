#include "ui/mainwindow.h"
#include "ui/plot/qcustomplot_include.h"

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setCentralWidget(new QCustomPlot(this));
}

void MainWindow::openInitialDataset(const QString &) {}
