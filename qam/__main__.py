from qam.cli import main

main()
