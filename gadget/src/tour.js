/*
 * The tour: decides which step shows, moves on, records progress and sends events. Everything
 * that touches the DOM is in popover.js (the popover and the highlight), elements.js and events.js.
 *
 * Two indexes matter: `index` is the tour's frontier (saved in localStorage so the tour survives
 * navigation), `shown` is the step on screen, which may be an earlier one when the reader went
 * back (see conditions.resolve).
 */
( function ( wt ) {
	'use strict';
	var S = wt.state,
		C = wt.conditions,
		M = wt.texts;

	function tour() {
		return S.tour;
	}

	function num( n ) {
		return mw.language.convertNumber( n );
	}

	function log( action, index ) {
		if ( !S.draft ) { // a draft being tried is no reader's run: no funnel event
			wt.telemetry.log( action, tour(), index );
		}
	}

	/**
	 * `shown` once per step per run (contracts §6), however often the reader reloads.
	 *
	 * @param {number} i
	 */
	function logShown( i ) {
		S.seen = S.seen || [];
		if ( S.seen.indexOf( i ) === -1 ) {
			S.seen.push( i );
			persist();
			log( 'shown', i );
		}
	}

	/**
	 * @return {Object} The reader, for C.counter(); the editor they chose is kept with the run
	 */
	function reader() {
		var ctx = here();
		return { skin: ctx.skin, loggedIn: ctx.loggedIn, editor: S.editor || null };
	}

	/**
	 * The page's context, with the editor the reader chose. The tour follows the editor the
	 * reader actually opens; when they switch editors half-way (the visual editor's "Switch
	 * to source editing", or the other tab), the editor part of the tour starts again from
	 * its first step for the new editor, so what they typed is not lost to a skipped step.
	 *
	 * @return {Object} From C.context(), with `chosen` set
	 */
	function here() {
		var ctx = C.context(),
			now;
		if ( ctx.editors.length ) {
			now = ctx.editors.indexOf( 'discussion' ) !== -1 ? 'discussion' :
				ctx.editors.indexOf( 'visual' ) !== -1 ? 'visual' : 'source';
			if ( S.editor && S.editor !== now && tour() && typeof S.index === 'number' ) {
				S.index = C.branchStart( tour().steps, S.index );
			}
			S.editor = now;
		}
		ctx.chosen = S.editor || null;
		return ctx;
	}

	function persist() {
		var t = tour();
		S.persist( { tour: t.id, version: t.version, keep: wt.keep.current() } );
	}

	/**
	 * The edit a `saved` step waited for: its revision id goes into the progress record at the
	 * end, so the app can check on the wiki that the learner really made it (contracts §5).
	 *
	 * @param {number} i The step that advanced
	 */
	function noteEdit( i ) {
		var step = tour().steps[ i ],
			revid = mw.config.get( 'wgCurRevisionId' ) || mw.config.get( 'wgRevisionId' );
		if ( step && step.advance === 'saved' && typeof revid === 'number' && revid > 0 ) {
			S.edits = S.edits || {};
			S.edits[ step.id ] = revid;
		}
	}

	/**
	 * The completion popover's badge line and button: logged-in learners are told the badge
	 * comes once the app has checked their edits, with a link to their badges; anonymous
	 * readers, who can never hold one, are invited to create an account instead.
	 *
	 * @param {jQuery} name The badge's name
	 * @param {Object[]} buttons Where the extra button goes
	 * @param {boolean} evidence Whether the app checks the learner's edits for this badge
	 * @param {string[]} stillToDo Other tours the badge needs that the learner has not completed:
	 *  then the badge is not announced, the line says what is still missing
	 * @return {jQuery}
	 */
	function badgeLine( name, buttons, evidence, stillToDo ) {
		var base = ( wt.config.eventUrl || '' ).replace( /\/api\/v1\/events\/?$/, '' );
		if ( stillToDo.length ) {
			return M.dom( 'wikitours-completed-badge-missing', name,
				mw.language.listToText( stillToDo.map( function ( id ) {
					var key = 'wikitours-tour-' + id + '-title';
					return mw.message( key ).exists() ? M.text( key, mw.user.getName() || '' ) : id;
				} ) ), stillToDo.length );
		}
		if ( mw.user.isAnon() ) {
			buttons.push( { name: 'account', label: M.text( 'wikitours-completed-create-account' ),
				href: mw.util.getUrl( 'Special:CreateAccount', { returnto: mw.config.get( 'wgPageName' ) } ) } );
			return M.dom( 'wikitours-completed-badge-anon', name );
		}
		if ( base && base !== wt.config.eventUrl ) {
			buttons.push( { name: 'badges', label: M.text( 'wikitours-completed-see-badges' ),
				href: base + '/learners/find?' + $.param( { host: location.host, user: mw.user.getName() } ) } );
		}
		return M.dom( evidence ? 'wikitours-completed-badge-soon' :
			'wikitours-completed-badge-soon-completion', name );
	}

	function teardown() {
		S.token = ( S.token || 0 ) + 1;
		wt.events.destroy();
		wt.popover.hide();
		wt.telemetry.flush();
		S.writeActive( null );
		wt.keep.stop();
		S.running = false;
	}

	function popover( o ) {
		if ( S.draft ) { // every popover of a draft being tried says so
			o = wt.assign( {}, o, { body: [ M.dom( 'wikitours-draft-marker' ) ].concat( o.body ) } );
		}
		wt.popover.show( wt.assign( {
			// MediaWiki gives <html> the reader's language and its direction.
			rtl: document.documentElement.dir === 'rtl',
			lang: mw.config.get( 'wgUserLanguage' ),
			closeLabel: M.text( 'wikitours-close' ),
			onClose: close
		}, o ) );
	}

	function progressText( i ) {
		var c = C.counter( tour().steps, i, reader() );
		return M.text( 'wikitours-step-of', num( c.number ), num( c.total ) );
	}

	function saveFailed() {
		mw.notify( M.text( 'wikitours-error-save' ), { type: 'error' } );
	}

	function record( fields ) {
		var t = tour();
		if ( S.draft ) {
			return; // nothing of a draft is recorded as progress (so it earns no badge)
		}
		wt.progress.record( t.id, wt.assign( { version: t.version }, fields ) ).then( null, saveFailed );
	}

	/** Close the tour for now: it can be resumed later from its link. */
	function close() {
		var t = tour(),
			i = S.shown || 0;
		log( 'abandoned', i );
		record( { status: 'started', step: t.steps[ Math.min( i, t.steps.length - 1 ) ].id } );
		teardown();
	}

	function dismiss() {
		log( 'abandoned', S.index || 0 );
		record( { status: 'dismissed' } );
		teardown();
	}

	function complete() {
		var t = tour(),
			body = [ M.dom( 'wikitours-completed-text', M.dom( 'wikitours-tour-' + t.id + '-title' ) ) ],
			badgeKey = 'wikitours-badge-' + t.badge + '-name',
			buttons = [],
			// a task edit joins the progress page before it is saved; an offer of real tasks
			practice = wt.tasks ? wt.tasks.completed( t, S.edits || {} ) : [];
		S.done = true;
		log( 'completed', t.steps.length - 1 );
		record( { status: 'completed', step: 'done', edits: S.edits || {} } );
		S.writeActive( null );
		wt.events.unbindTarget();
		if ( t.badge && !S.draft ) { // a draft earns nothing: its marker says so
			body.push( badgeLine( mw.message( badgeKey ).exists() ?
				M.dom( badgeKey ) : $( '<span>' ).text( t.badge ), buttons, t.badgeEvidence !== false,
			wt.progress.missing( t.badgeRequires, t.id ) ) );
		}
		buttons.push( { name: 'finish', label: M.text( 'wikitours-finish' ), primary: true, action: teardown } );
		popover( {
			title: M.dom( 'wikitours-completed-title' ),
			body: body.concat( practice ),
			buttons: buttons,
			onClose: teardown
		} );
		$( wt.popover.element() ).addClass( 'wikitours-popover--completed' );
	}

	function advance( i, viaClick ) {
		var t = tour();
		noteEdit( i );
		log( 'advanced', i );
		S.index = i + 1;
		persist();
		if ( i + 1 >= t.steps.length ) {
			complete();
		} else {
			render( viaClick );
		}
	}

	function goTo( k ) {
		S.index = k;
		persist();
		render();
	}

	/**
	 * @param {number} back The nearest earlier step that shows on this page, or -1
	 * @param {Object[]} buttons Where a Back button to it goes
	 */
	function backButton( back, buttons ) {
		if ( back >= 0 ) {
			buttons.push( { name: 'back', label: M.text( 'wikitours-back' ), action: function () {
				goTo( back );
			} } );
		}
	}

	/**
	 * @param {number} i
	 * @param {Element|null} el The step's element, null for a centred popover
	 * @param {boolean} [without] The element is missing and the reader chose to go on without
	 *  it: then any step can move on with Next, since its event may never come
	 */
	function stepPopover( i, el, without ) {
		var t = tour(),
			step = t.steps[ i ],
			ctx = here(),
			back = C.previous( t.steps, i, ctx ),
			last = !C.resolve( t.steps, i + 1, ctx ),
			buttons = [];
		backButton( back, buttons );
		// Next on a step that waits for a click or for an editor activates the step's element
		// (the highlighted tab), so keyboard users need not look for it.
		if ( ( step.advance === 'click' || step.advance === 'editor-opened' ) && el ) {
			buttons.push( { name: 'next', label: M.text( 'wikitours-next' ), primary: true, action: function () {
				wt.elements.clickable( el ).click();
			} } );
		} else if ( step.advance === 'next' || without ) {
			buttons.push( {
				name: last ? 'done' : 'next',
				label: M.text( last ? 'wikitours-done' : 'wikitours-next' ),
				primary: true,
				action: function () {
					advance( i );
				}
			} );
		}
		S.shown = i;
		S.shownOn = ctx.pageName;
		persist();
		popover( {
			title: M.dom( step.title ),
			body: [ M.dom( C.stepText( step, ctx.skin ) ) ].concat( !el && step.advance !== 'next' && step.advance !== 'click' ?
				[ M.dom( 'wikitours-waiting-' + step.advance ) ] : [] ),
			progress: progressText( i ),
			buttons: buttons,
			target: el,
			highlight: step.highlight !== false,
			placement: step.placement
		} );
		wt.events.bindTarget( step.advance === 'click' ? el : null );
		logShown( i );
	}

	function missing( i ) {
		var step = tour().steps[ i ];
		S.shown = i;
		popover( {
			title: M.dom( step.title ),
			body: [ M.dom( 'wikitours-missing-text' ) ],
			progress: progressText( i ),
			buttons: [
				{ name: 'end', label: M.text( 'wikitours-end' ), action: close },
				{ name: 'continue', label: M.text( 'wikitours-continue' ), primary: true, action: function () {
					stepPopover( i, null, true );
				} }
			]
		} );
		$( wt.popover.element() ).addClass( 'wikitours-popover--missing' );
	}

	function away( i, ctx ) {
		var step = tour().steps[ i ],
			title = C.pageTitle( step.page, ctx.userName ),
			back = C.previous( tour().steps, i, ctx ),
			buttons = [];
		S.shown = i;
		backButton( back, buttons );
		buttons.push( { name: 'go', label: M.text( 'wikitours-away-go' ), primary: true, href: mw.util.getUrl( title ) } );
		persist();
		popover( {
			title: M.dom( step.title ),
			body: [ M.dom( 'wikitours-away-text' ) ],
			progress: progressText( i ),
			buttons: buttons
		} );
	}

	function reveal( el ) {
		var r = el.getBoundingClientRect();
		if ( r.bottom < 0 || r.top > window.innerHeight || r.right < 0 || r.left > window.innerWidth ) {
			el.scrollIntoView( { block: 'center', inline: 'nearest' } );
		}
	}

	/**
	 * Show the step the tour is at, or what to do instead (go to its page, it is missing, the
	 * tour is complete).
	 *
	 * @param {boolean} [afterClick] The reader just clicked the step's element: when no step
	 *  fits this page any more, the click is taking them elsewhere, so show nothing meanwhile.
	 */
	function render( afterClick ) {
		var t = tour(),
			ctx = here(),
			r = C.resolve( t.steps, S.index, ctx ),
			token = ( S.token || 0 ) + 1,
			step, list;
		S.token = token;
		wt.events.unbindTarget();
		if ( !r ) {
			complete();
			return;
		}
		if ( r.backtrack && afterClick ) {
			wt.popover.hide();
			return;
		}
		if ( r.away ) {
			away( r.index, ctx );
			return;
		}
		step = t.steps[ r.index ];
		if ( step.advance === 'saved' && !r.backtrack && r.index > S.index ) {
			// The steps before this save were skipped here: the reader has reached the save, and
			// after the page load that follows it resume() must find it at the frontier.
			S.index = r.index;
			persist();
		}
		list = wt.elements.selectors( step.target, ctx.skin );
		wt.talk.offerAddTopic( list );
		if ( !list.length ) {
			stepPopover( r.index, null );
			return;
		}
		wt.elements.waitFor( list, wt.config.waitMs ).then( function ( el ) {
			if ( S.token === token ) {
				reveal( el );
				stepPopover( r.index, el );
			}
		}, function () {
			if ( S.token === token ) {
				missing( r.index );
			}
		} );
	}

	/**
	 * The step a start link names with `wikitourstep=STEP` (query or fragment): a link that
	 * already takes the reader part of the way, like the welcome's "Ask your mentor", which
	 * opens the mentor's new topic form (DiscussionTools' tool where the wiki runs it).
	 *
	 * @return {number} That step's index, or 0
	 */
	function linkedStep() {
		var m = /[?&#]wikitourstep=([a-z0-9][a-z0-9-]*)/.exec( location.href ),
			k = 0;
		if ( m ) {
			tour().steps.forEach( function ( s, i ) {
				if ( s.id === m[ 1 ] ) {
					k = i;
				}
			} );
		}
		return k;
	}

	/**
	 * @param {number} k The step to begin at
	 * @param {boolean} [fresh] A new run that begins at step k (from a link naming a step)
	 */
	function begin( k, fresh ) {
		var t = tour();
		S.index = k;
		S.shownOn = null;
		S.editor = null;
		// Started from a link: its uselang and useskin go with the reader through the tour.
		wt.keep.start( wt.keep.fromAddress() );
		// A resumed run showed its steps up to k before: only a new run counts them again.
		S.seen = k > 0 && !fresh ? t.steps.slice( 0, k + 1 ).map( function ( s, j ) {
			return j;
		} ) : [];
		if ( k === 0 || fresh ) {
			S.edits = {};
			log( 'started', k );
		}
		record( { status: 'started', step: t.steps[ k ].id } );
		persist();
		render();
	}

	/**
	 * Started from a link: begin at the step it names, else offer to resume a tour left
	 * half-way, else start it.
	 */
	function offer() {
		var t = tour(),
			rec = wt.progress.get( t.id ),
			k = -1,
			linked = linkedStep();
		if ( linked > 0 ) {
			begin( linked, true );
			return;
		}
		if ( rec && rec.status === 'started' && rec.version === t.version && !S.draft ) {
			t.steps.forEach( function ( s, i ) {
				if ( s.id === rec.step ) {
					k = i;
				}
			} );
		}
		if ( k <= 0 ) {
			begin( 0 );
			return;
		}
		S.shown = k;
		popover( {
			title: M.dom( 'wikitours-tour-' + t.id + '-title' ),
			body: [ M.dom( 'wikitours-resume-text', num( C.counter( t.steps, k, reader() ).number ),
				num( C.counter( t.steps, k, reader() ).total ) ) ],
			buttons: [
				{ name: 'dismiss', label: M.text( 'wikitours-dismiss' ), action: dismiss },
				{ name: 'restart', label: M.text( 'wikitours-restart' ), action: function () {
					begin( 0 );
				} },
				{ name: 'resume', label: M.text( 'wikitours-resume' ), primary: true, action: function () {
					begin( k );
				} }
			],
			onClose: teardown
		} );
	}

	/** A page loaded while the tour runs: the wiki may already say the step is done. */
	function resume() {
		var t = tour(),
			i = S.index,
			s = t.steps[ i ],
			ctx = here();
		if ( s && (
			( s.advance === 'saved' && mw.config.get( 'wgPostEdit' ) ) ||
			( s.advance === 'editor-opened' && ctx.editors.length > 0 ) ||
			( s.advance === 'visited' && S.shownOn && S.shownOn !== ctx.pageName )
		) ) {
			advance( i );
		} else {
			render();
		}
	}

	function failed( key, param ) {
		teardown();
		S.running = true;
		popover( {
			title: M.dom( 'wikitours-error-title' ),
			body: [ M.dom( key, param || '' ) ],
			buttons: [ { name: 'finish', label: M.text( 'wikitours-close' ), primary: true, action: teardown } ],
			onClose: teardown
		} );
	}

	/**
	 * A page event (from events.js) that may be what the step on screen waits for.
	 *
	 * @param {string} kind click, saved or editor-opened
	 */
	function on( kind ) {
		var t = tour(),
			i = S.shown;
		if ( !S.running || !t || S.done ) {
			return;
		}
		if ( t.steps[ i ] && t.steps[ i ].advance === kind ) {
			advance( i, kind === 'click' );
		} else if ( kind === 'saved' && t.steps[ S.index ] && t.steps[ S.index ].advance === 'saved' ) {
			// The tour waits for this save, though the popover went back a step meanwhile
			// (DiscussionTools closes its tool before it tells of the save).
			advance( S.index );
		} else if ( kind === 'editor-opened' || kind === 'editor-closed' ) {
			// The visual editor opened or closed without a page load: other steps fit now.
			render();
		}
	}

	/**
	 * Entry point, called by the loader.
	 *
	 * @param {string|null} startId A tour to start (from ?wikitour=), or null to resume the one
	 *  in progress
	 * @param {boolean} [draft] Start the draft of that id (?wikitourdraft=): marked, recording
	 *  nothing
	 * @return {jQuery.Promise|undefined}
	 */
	function main( startId, draft ) {
		var active = S.readActive(),
			id = startId || ( active && active.tour ),
			fetched;
		if ( !id || S.running ) {
			return;
		}
		S.running = true;
		S.draft = startId ? !!draft : !!( active && active.draft === true );
		S.done = false;
		wt.events.init();
		// The loader started reading the tour's data while the runtime loaded.
		fetched = wt.fetched && wt.fetched.id === id && wt.fetched.draft === S.draft ? wt.fetched :
			wt.messages.fetch( id, S.draft );
		wt.fetched = null;
		return M.load( fetched ).then( function ( data ) {
			wt.config.configure( data.config );
			wt.progress.init( data.progress );
			if ( !data.tour ) {
				failed( 'wikitours-error-notour', id );
				return;
			}
			S.tour = data.tour;
			if ( active && active.tour === id && active.version === data.tour.version &&
				!!active.draft === S.draft ) {
				S.restore( active, data.tour.steps.length );
				wt.keep.start( active.keep );
				resume();
			} else if ( startId ) {
				offer();
			} else {
				teardown();
			}
		}, function ( data ) {
			// No message page arrived either: MediaWiki's own (translated) words for the error.
			teardown();
			mw.loader.using( 'mediawiki.api' ).then( function () {
				mw.notify( new mw.Api().getErrorMessage( data ), { type: 'error' } );
			} );
		} );
	}

	wt.tour = { main: main, on: on };
	wt.main = main;
}( mw.libs.wikitours ) );
