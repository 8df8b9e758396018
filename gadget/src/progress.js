/*
 * A learner's progress (contracts §5). Logged-in readers keep it in their own
 * User:NAME/wikitours.json, which only they (and interface admins) can edit, so the record is
 * theirs and public; anonymous readers keep it in this browser only.
 */
( function ( wt ) {
	'use strict';
	var KEY = 'wikitours-progress',
		STATUSES = [ 'started', 'completed', 'dismissed' ],
		current = null;

	function now() {
		return new Date().toISOString().replace( /\.\d+Z$/, 'Z' );
	}

	/**
	 * @param {*} data Whatever the page or storage held
	 * @return {Object} A well-formed progress object; anything malformed is dropped
	 */
	function normalize( data ) {
		var out = { format: 1, tours: {} };
		if ( data && typeof data === 'object' && data.tours && typeof data.tours === 'object' ) {
			Object.keys( data.tours ).forEach( function ( id ) {
				var t = data.tours[ id ];
				if ( /^[a-z0-9-]+$/.test( id ) && t && STATUSES.indexOf( t.status ) !== -1 ) {
					out.tours[ id ] = t;
					if ( t.completion !== undefined && !( t.completion && typeof t.completion === 'object' &&
						!Array.isArray( t.completion ) && typeof t.completion.completed === 'string' ) ) {
						out.tours[ id ] = wt.assign( {}, t );
						delete out.tours[ id ].completion;
					}
				}
			} );
		}
		// practice on real tasks (tasks.js) and what the learner chose to show: kept as they are
		if ( data && Array.isArray( data.tasks ) ) {
			out.tasks = data.tasks.slice( -200 );
		}
		if ( data && Array.isArray( data.public ) ) {
			out.public = data.public;
		}
		return out;
	}

	function readLocal() {
		try {
			return JSON.parse( mw.storage.get( KEY ) || 'null' );
		} catch ( e ) {
			return null;
		}
	}

	/**
	 * @param {Object|null} fromWiki The progress page's content, for logged-in readers
	 */
	function init( fromWiki ) {
		current = normalize( mw.user.isAnon() ? readLocal() : fromWiki );
	}

	function save() {
		var text = JSON.stringify( current );
		if ( mw.user.isAnon() ) {
			mw.storage.set( KEY, text );
			return $.Deferred().resolve().promise();
		}
		// mediawiki.api only now: anonymous readers never need it.
		return mw.loader.using( 'mediawiki.api' ).then( function () {
			return new mw.Api().postWithToken( 'csrf', {
				action: 'edit',
				title: wt.messages.title( 'progress', mw.user.getName() ),
				text: text,
				contentmodel: 'json',
				summary: wt.texts.text( 'wikitours-progress-summary' ),
				watchlist: 'nochange',
				formatversion: 2
			} );
		} );
	}

	/**
	 * The completed run a record holds: the record itself when its status is `completed`, else
	 * the `completion` kept when a completed tour was started again (contracts §5).
	 *
	 * @param {Object|null} rec A tour's entry
	 * @return {Object|null} {version, started, completed, edits}, or null when never completed
	 */
	function completionOf( rec ) {
		var c;
		if ( !rec ) {
			return null;
		}
		if ( rec.status === 'completed' ) {
			c = { version: rec.version, started: rec.started, completed: rec.completed };
			if ( rec.edits ) {
				c.edits = rec.edits;
			}
			return c;
		}
		return rec.completion && typeof rec.completion === 'object' ? rec.completion : null;
	}

	/**
	 * A tour's entry after a change: pure, so the rules are tested without a wiki.
	 * Starting a new run clears the run's own fields; a completed run is never lost: it moves
	 * to `completion`, beside the new run, until that run completes in its turn.
	 *
	 * @param {Object|null} prev The entry before
	 * @param {Object} fields status, version, step, and on completion edits
	 * @param {string} time ISO 8601 time of the change
	 * @return {Object} The entry after
	 */
	function next( prev, fields, time ) {
		var t = wt.assign( {}, prev || {}, fields ),
			done = completionOf( prev );
		if ( fields.status === 'started' && ( !prev || prev.status !== 'started' ) ) {
			t.started = time;
			delete t.completed;
			delete t.edits; // a new attempt: its own edits will be recorded
			if ( done ) {
				t.completion = done;
			}
		}
		if ( fields.status === 'completed' ) {
			t.completed = time;
			delete t.completion; // the new completion replaces the kept one
		}
		t.updated = time;
		return t;
	}

	/**
	 * Tours among *requires* that the learner has not completed (besides the one just finished).
	 *
	 * @param {Object} progress A normalized progress object
	 * @param {string[]} requires Tour ids a badge needs
	 * @param {string} [self] The tour that has just been completed
	 * @return {string[]}
	 */
	function missing( progress, requires, self ) {
		var tours = ( progress && progress.tours ) || {};
		return ( Array.isArray( requires ) ? requires : [] ).filter( function ( id ) {
			return id !== self && !completionOf( Object.prototype.hasOwnProperty.call( tours, id ) ?
				tours[ id ] : null );
		} );
	}

	/**
	 * Record a change for one tour and save it.
	 *
	 * @param {string} id
	 * @param {Object} fields status, version, step, and on completion edits (step id → the
	 *  revision id of the edit that step waited for)
	 * @return {jQuery.Promise}
	 */
	function record( id, fields ) {
		current.tours[ id ] = next( current.tours[ id ] || null, fields, now() );
		return save();
	}

	wt.progress = {
		normalize: normalize,
		init: init,
		get: function ( id ) {
			return current && current.tours[ id ] || null;
		},
		record: record,
		next: next,
		completionOf: completionOf,
		missing: function ( requires, self ) {
			return missing( current, requires, self );
		},
		missingIn: missing,
		all: function () {
			return current;
		}
	};
}( mw.libs.wikitours ) );
