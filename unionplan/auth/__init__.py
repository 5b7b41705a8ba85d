"""Who is using the app: accounts in a users file on the server (`accounts`), argon2
password hashes (`passwords`), sign-in with lock-out, and tokens that keep a person signed
in across a reload (`signin`, `tokens`). No Streamlit here: unionplan.ui.signin draws the
forms, and the command line manages accounts (`python -m unionplan user …`).
"""
