package enum P {}
